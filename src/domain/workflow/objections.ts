import { sql, type Kysely, type Selectable } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB, ObjectionsTable } from '../../db/types.js'
import { decodeCursor, isUuid, toPage } from '../../http/paging.js'
import { recordAudit } from '../audit/record.js'
import { sqlToday } from '../clock/clock.js'
import type { Acting } from '../identity/acting.js'
import type { Actor } from '../identity/actor.js'
import { inSubtree } from '../regions/scope.js'
import { listedRegion } from '../regions/service.js'
import { transition } from '../state/machine.js'
import { caseClosed, caseNotFound, noticeNotFound, objectionNotFound } from './errors.js'
import { OBJECTION } from './objection-machine.js'
import type { Objection, ObjectionCreate, ObjectionListQuery, ObjectionTransition, PublicObjectionCreate } from './objection-schemas.js'
import { lockedCaseIds, lockNoticeCase } from './repo.js'
import { caseRows } from './views.js'
import { CLOSED_STATES } from './steps.js'

type ObjectionRow = Selectable<ObjectionsTable>

/** Who decides objections sees how to reach whoever objected. */
const SEES_CONTACT = new Set(['reviewer', 'confirmer'])

function toObjection (row: ObjectionRow, actor: Actor): Objection {
  return {
    id: row.id,
    caseId: row.case_id,
    noticeId: row.notice_id,
    source: row.source,
    channel: row.channel,
    receivedAt: row.received_at as Objection['receivedAt'],
    content: row.content,
    ...(row.contact && actor.roles.some((role) => SEES_CONTACT.has(role)) ? { contact: row.contact } : {}),
    status: row.status,
    loggedAt: row.logged_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  }
}

function objections (db: Kysely<DB>, scope: string) {
  return db.selectFrom('objections as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .selectAll('o')
    .where(inSubtree('h.region_code', scope))
}

/** An officer at any level whose region contains the case logs an objection against it; it holds the case until decided. */
export async function logObjection (db: Kysely<DB>, acting: Acting, caseId: string, input: ObjectionCreate): Promise<Objection> {
  return inTransaction(db, async (trx) => {
    // Locked first: logged after a step being taken on the case commits, against the case as that step left it.
    const [found] = (await lockedCaseIds(trx, [caseId], acting.scope, 'share')).length > 0 ? await caseRows(trx, acting.scope, { ids: [caseId] }) : []
    if (!found) throw caseNotFound(caseId)
    if ((CLOSED_STATES as readonly string[]).includes(found.status)) throw caseClosed(found.status)
    const row = await trx.insertInto('objections').values({
      case_id: caseId,
      notice_id: found.notice_id,
      source: 'officer',
      channel: input.channel,
      received_at: input.receivedAt,
      content: input.content,
      contact: input.contact ?? null,
      logged_by: acting.actor.kind === 'officer' ? acting.actor.id : null,
      logged_at: acting.clock.sql,
    }).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, acting, {
      entityType: 'objection', entityId: row.id, action: 'create', toStatus: 'open', regionCode: found.region_code,
      changes: { caseId, channel: input.channel, receivedAt: input.receivedAt, source: 'officer' },
    })
    return toObjection(row, acting.actor)
  })
}

/**
 * The public objects against a posted notice, with no token: the notice must be on a
 * board today. The answer is a receipt and says nothing about the case.
 */
export async function fileObjection (db: Kysely<DB>, acting: Acting, noticeId: string, input: PublicObjectionCreate) {
  return inTransaction(db, async (trx) => {
    await lockNoticeCase(trx, noticeId)
    const notice = await trx.selectFrom('notices as n')
      .innerJoin('cases as c', 'c.id', 'n.case_id')
      .innerJoin('persons as p', 'p.id', 'c.person_id')
      .innerJoin('households as h', 'h.id', 'p.household_id')
      .select(['n.id', 'n.case_id', 'n.level', 'h.region_code', sqlToday(acting.clock).as('today')])
      .where('n.id', '=', noticeId)
      .where('n.closed_on', 'is', null)
      .where(sql<boolean>`n.starts_on <= ${sqlToday(acting.clock)} and n.ends_on >= ${sqlToday(acting.clock)}`)
      .executeTakeFirst()
    if (!notice) throw noticeNotFound(noticeId)
    const row = await trx.insertInto('objections').values({
      case_id: notice.case_id,
      notice_id: notice.id,
      source: 'public',
      channel: 'online',
      received_at: notice.level,
      content: input.content,
      contact: input.contact ?? null,
      logged_at: acting.clock.sql,
    }).returning(['id', 'status']).executeTakeFirstOrThrow()
    await recordAudit(trx, acting, {
      entityType: 'objection', entityId: row.id, action: 'create', toStatus: 'open', regionCode: notice.region_code,
      changes: { caseId: notice.case_id, noticeId: notice.id, channel: 'online', receivedAt: notice.level, source: 'public' },
    })
    return { id: row.id, status: row.status, receivedOn: notice.today }
  })
}

export async function getObjection (db: Kysely<DB>, acting: Acting, id: string): Promise<Objection> {
  const row = await objections(db, acting.scope).where('o.id', '=', id).executeTakeFirst()
  if (!row) throw objectionNotFound(id)
  return toObjection(row, acting.actor)
}

export async function listObjections (db: Kysely<DB>, acting: Acting, query: ObjectionListQuery & { limit: number }) {
  const region = await listedRegion(db, query.region, acting.scope)
  let rows = objections(db, region).orderBy('o.id').limit(query.limit + 1)
  if (query.status) rows = rows.where('o.status', '=', query.status)
  if (query.caseId) rows = rows.where('o.case_id', '=', query.caseId)
  const after = decodeCursor(query.cursor, isUuid)
  if (after !== undefined) rows = rows.where('o.id', '>', after)
  return toPage(await rows.execute(), query.limit, (row) => row.id, (row) => toObjection(row, acting.actor))
}

/** A step on an objection by a reviewer or confirmer of the case's region; upholding one ends its case. */
export async function decideObjection (db: Kysely<DB>, acting: Acting, id: string, input: ObjectionTransition): Promise<Objection> {
  await inTransaction(db, (trx) => transition(trx, OBJECTION, acting, id, input.action, { reason: input.reason }))
  return getObjection(db, acting, id)
}
