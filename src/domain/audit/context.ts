import type { FastifyRequest } from 'fastify'

/** Who an audit row names as responsible, and the request it came from. */
export interface AuditContext {
  actor: {
    kind: 'officer' | 'partner' | 'system'
    id: string | null
    name: string
    /** The role the actor acted in. */
    role: string | null
    regionCode: string | null
  }
  requestId: string | null
}

/** The audit context of an authenticated request. */
export function auditContextOf (request: FastifyRequest): AuditContext {
  const actor = request.actor
  if (!actor) throw new Error('auditContextOf needs an authenticated request')
  return {
    actor: { kind: actor.kind, id: actor.id, name: actor.name, role: request.actingRole, regionCode: actor.regionCode },
    requestId: request.id,
  }
}

/** The audit context of work done by the service itself or its command line. */
export function systemContext (name: string): AuditContext {
  return { actor: { kind: 'system', id: null, name, role: null, regionCode: null }, requestId: null }
}
