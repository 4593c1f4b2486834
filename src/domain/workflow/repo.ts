import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { CaseStatus, DB, NoticeLevel } from '../../db/types.js'
import { sqlToday, type Clock } from '../clock/clock.js'
import { inSubtree } from '../regions/scope.js'
import { OPEN_STATES, type Workflow } from './steps.js'

/** What a case's steps are checked against: its state, region, workflow, officers so far, current notice and undecided objections. */
export interface LockedCase {
  id: string
  status: CaseStatus
  region_code: string
  person_id: string
  program_code: string
  rule_version: number
  workflow: Workflow
  investigated_by: string | null
  reviewed_by: string | null
  confirmed_by: string | null
  notice_level: NoticeLevel | null
  notice_ends_on: string | null
  notice_running: boolean
  pending_objections: number
  /** Whether the sweep would make it active now (isDueForActivation). */
  due: boolean
}

/**
 * The cases among ids whose subject lives in the scope, locked (FOR UPDATE), with what
 * their checks need. The lock brings the case's own row, its region (found to test the
 * scope) and its rule version's workflow: a lock that waited for another transaction is
 * granted once that one has committed, and gives the case's row as that one left it, and
 * a rule version's workflow is never changed once written. Its notice and undecided
 * objections are read after it, by a new statement (so a new snapshot) that sees what the
 * other wrote — a notice posted, an objection logged — where the lock's own statement
 * would have joined the case's new row to the notices and objections of before. Only
 * cases not yet decided are read so: no step of an active, suspended or ended case waits
 * on a notice or an objection, and a bulk step on 10,000 beneficiaries reads nothing more.
 */
export async function lockCases (trx: Transaction<DB>, ids: readonly string[], scope: string, clock: Clock): Promise<LockedCase[]> {
  if (ids.length === 0) return []
  // A rule version's workflow comes on the first of its cases only (10,000 cases of a bulk
  // step would each carry the same document, and the service parse each), and is shared.
  // The window is outside the locking query, which PostgreSQL does not allow one in.
  const { rows } = await sql<Omit<LockedCase, 'workflow' | keyof NoticeFacts> & { workflow: Workflow | null }>`
    with locked as (${casesLocking(sql`c.id, h.region_code, c.status, c.person_id, c.program_code, c.rule_version, c.investigated_by, c.reviewed_by, c.confirmed_by`, ids, scope, 'update')})
    select l.*, case when row_number() over (partition by l.program_code, l.rule_version) = 1 then v.workflow end as workflow
      from locked l join rule_versions v on v.program_code = l.program_code and v.version = l.rule_version
  `.execute(trx)
  const workflows = new Map(rows.flatMap((row) => row.workflow ? [[`${row.program_code}:${row.rule_version}`, row.workflow] as const] : []))
  const undecided = rows.filter((row) => (OPEN_STATES as readonly string[]).includes(row.status)).map((row) => row.id)
  const facts = undecided.length > 0 ? await noticeFacts(trx, undecided, clock) : new Map<string, NoticeFacts>()
  const cases = rows as LockedCase[]
  for (const row of cases) {
    row.workflow = workflows.get(`${row.program_code}:${row.rule_version}`)!
    Object.assign(row, facts.get(row.id) ?? NO_NOTICE)
  }
  return cases
}

/** What holds a case not yet decided: its current notice, its undecided objections, and whether the sweep would make it active now. */
type NoticeFacts = Pick<LockedCase, 'notice_level' | 'notice_ends_on' | 'notice_running' | 'pending_objections' | 'due'>

const NO_NOTICE: NoticeFacts = { notice_level: null, notice_ends_on: null, notice_running: false, pending_objections: 0, due: false }

async function noticeFacts (trx: Transaction<DB>, caseIds: string[], clock: Clock): Promise<Map<string, NoticeFacts>> {
  const { rows } = await sql<NoticeFacts & { id: string }>`
    select c.id, n.level as notice_level, n.ends_on as notice_ends_on, coalesce(n.ends_on >= ${sqlToday(clock)}, false) as notice_running,
           coalesce(o.undecided, 0) as pending_objections,
           coalesce(${isDueForActivation(clock, sql<boolean>`o.undecided is null`)}, false) as due
      from cases c
      left join notices n on n.case_id = c.id and n.closed_on is null
      left join (select case_id, count(*)::int as undecided from objections
                  where ${idIn('case_id', caseIds)} and status in ('open', 'investigating') group by case_id) o on o.case_id = c.id
     where ${idIn('c.id', caseIds)}
  `.execute(trx)
  return new Map(rows.map(({ id, ...facts }) => [id, facts]))
}

/** Locks the cases among ids whose subject lives in the scope (FOR UPDATE to change them, FOR SHARE to add what holds them, an objection). Answers the ids locked. */
export async function lockedCaseIds (trx: Transaction<DB>, ids: readonly string[], scope: string, strength: 'update' | 'share'): Promise<string[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<{ id: string }>`${casesLocking(sql`c.id`, ids, scope, strength)}`.execute(trx)
  return rows.map((row) => row.id)
}

/**
 * The SELECT of the given columns of the cases among ids whose subject (p, its household
 * h) lives in the scope, locking them in the order of their ids, so two transactions
 * locking overlapping cases do not deadlock.
 */
function casesLocking (columns: RawBuilder<unknown>, ids: readonly string[], scope: string, strength: 'update' | 'share'): RawBuilder<unknown> {
  return sql`
    select ${columns}
      from cases c
      join persons p on p.id = c.person_id
      join households h on h.id = p.household_id
     where ${idIn('c.id', ids)} and ${inSubtree('h.region_code', scope)}
     order by c.id
       for ${sql.raw(strength)} of c`
}

/** Locks (FOR SHARE) the case a notice was posted for, so an objection against it is added to the case as it stands. */
export async function lockNoticeCase (trx: Transaction<DB>, noticeId: string): Promise<void> {
  await sql`select c.id from cases c where c.id = (select n.case_id from notices n where n.id = ${noticeId}::uuid) for share of c`.execute(trx)
}

/** The UPDATE that takes the cases' current notices down: the cases moved on from them today. */
export function noticesClosing (caseIds: string[], clock: Clock): RawBuilder<unknown> {
  return sql`update notices set closed_on = ${sqlToday(clock)} where ${idIn('case_id', caseIds)} and closed_on is null`
}

/** Posts a notice per case, on the board of the given region of each, from today for the given days. */
export async function postNotices (trx: Transaction<DB>, notices: Array<{ caseId: string, level: NoticeLevel, regionCode: string, days: number }>, clock: Clock): Promise<void> {
  if (notices.length === 0) return
  await sql`
    insert into notices (case_id, level, region_code, starts_on, ends_on)
    select case_id, level, region_code, ${sqlToday(clock)}, ${sqlToday(clock)} + days - 1
      from jsonb_to_recordset(${JSON.stringify(notices.map((notice) => ({
        case_id: notice.caseId, level: notice.level, region_code: notice.regionCode, days: notice.days,
      })))}::jsonb) as notices (case_id uuid, level text, region_code text, days int)
  `.execute(trx)
}

/**
 * A case (`c`) under district notice whose current notice (`n`) has ended with no
 * undecided objection (by default looked up here): what the sweep activates, and what a
 * step on the case settles first.
 */
function isDueForActivation (clock: Clock, noneUndecided: RawBuilder<boolean> = sql<boolean>`not exists (select 1 from objections o where o.case_id = c.id and o.status in ('open', 'investigating'))`): RawBuilder<boolean> {
  return sql<boolean>`(c.status = 'district_notice' and n.ends_on < ${sqlToday(clock)} and ${noneUndecided})`
}

/** Cases under district notice whose notice has ended with no undecided objection, in a scope: what the sweep activates. */
export async function dueForActivation (db: Kysely<DB>, scope: string, clock: Clock, caseIds?: string[]): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select c.id
      from cases c
      join notices n on n.case_id = c.id and n.closed_on is null
      join persons p on p.id = c.person_id
      join households h on h.id = p.household_id
     where ${isDueForActivation(clock)} and ${inSubtree('h.region_code', scope)}
       ${caseIds ? sql`and ${idIn('c.id', caseIds)}` : sql``}
  `.execute(db)
  return rows.map((row) => row.id)
}
