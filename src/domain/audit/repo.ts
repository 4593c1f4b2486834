import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

export interface AuditFilter {
  region: string
  entityType?: string | undefined
  entityId?: string | undefined
  actorId?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
  afterSeq?: number | undefined
}

export function listAuditEvents (db: Kysely<DB>, filter: AuditFilter, limit: number) {
  let query = db.selectFrom('audit_events')
    .select([
      'seq', 'occurred_at', 'entity_type', 'entity_id', 'action', 'from_status', 'to_status',
      'actor_kind', 'actor_id', 'actor_name', 'actor_role', 'actor_region', 'region_code', 'reason', 'request_id', 'changes',
    ])
    .where(inSubtree('region_code', filter.region))
    .orderBy('seq')
    .limit(limit + 1)
  if (filter.entityType !== undefined) query = query.where('entity_type', '=', filter.entityType)
  if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId)
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId)
  if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from)
  if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to)
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq)
  return query.execute()
}
