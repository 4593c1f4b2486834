import type { Clock } from '../clock/clock.js'
import type { Actor } from './actor.js'
import { roleForbidden } from './errors.js'
import type { Role } from './roles.js'

/**
 * Who is acting, built once per request (or per job, or per command) and handed to
 * every service: the actor, the role this action is taken in, the region scope, the
 * request it came from, and the clock. Audit rows, region checks and dates all read it.
 */
export interface Acting {
  readonly actor: Actor
  /**
   * The role the action is taken in: what the audit row names. A route sets the one
   * it was let in by; a step of a state machine sets the one the step needs.
   */
  readonly role: Role | null
  /** The root of the region subtree the actor may see and act in. */
  readonly scope: string
  readonly requestId: string | null
  readonly clock: Clock
}

/** The same actor, acting in the given role: refused when they do not hold it. The system holds every role. */
export function actingAs (acting: Acting, role: Role): Acting {
  if (acting.role === role) return acting
  if (acting.actor.kind !== 'system' && !acting.actor.roles.includes(role)) throw roleForbidden([role], acting.actor.roles)
  return { ...acting, role }
}

/** Whether the actor may act in the role (the system may act in any). */
export function holds (acting: Acting, role: Role): boolean {
  return acting.actor.kind === 'system' || acting.actor.roles.includes(role)
}

/** Work done by the service itself or its command line, over the given region. */
export function systemActing (name: string, scope: string, clock: Clock, requestId: string | null = null): Acting {
  return { actor: { kind: 'system', id: null, name, roles: [], regionCode: scope }, role: null, scope, requestId, clock }
}
