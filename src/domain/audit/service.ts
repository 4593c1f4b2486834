import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { decodeCursor, isInteger, toPage } from '../../http/paging.js'
import type { Acting } from '../identity/acting.js'
import { listedRegion } from '../regions/service.js'
import { formatHead, headOf, readLanes } from './head.js'
import { listAuditEvents } from './repo.js'
import type { AuditEventQuery } from './schemas.js'

type AuditRow = Awaited<ReturnType<typeof listAuditEvents>>[number]

function toAuditEvent (row: AuditRow) {
  return {
    seq: row.seq,
    occurredAt: row.occurred_at.toISOString(),
    entityType: row.entity_type,
    entityId: row.entity_id,
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name, role: row.actor_role, regionCode: row.actor_region },
    regionCode: row.region_code,
    reason: row.reason,
    requestId: row.request_id,
    changes: row.changes,
  }
}

/** The audit trail of the caller's region (or a region under it), oldest first. */
export async function listAuditTrail (db: Kysely<DB>, acting: Acting, query: AuditEventQuery) {
  const region = await listedRegion(db, query.region, acting.scope)
  const rows = await listAuditEvents(db, {
    region,
    entityType: query.entityType,
    entityId: query.entityId,
    actorId: query.officerId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    afterSeq: decodeCursor(query.cursor, isInteger),
  }, query.limit)
  return toPage(rows, query.limit, (row) => row.seq, toAuditEvent)
}

/** The trail's head now: what an auditor records, to check later that the trail still extends it. */
export async function readTrailHead (db: Kysely<DB>, acting: Acting) {
  const lanes = await readLanes(db)
  return {
    head: formatHead(headOf(lanes)),
    lanes: lanes.map((lane) => ({ lane: lane.lane, blockCount: lane.blockCount, headHash: lane.headHash.toString('hex') })),
    readAt: (await acting.clock.now(db)).toISOString(),
  }
}
