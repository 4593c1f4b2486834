import { sql, type Kysely, type Selectable } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { CaseStatus, CaseStepsTable, DB } from '../../db/types.js'
import type { Actor } from '../identity/actor.js'
import { inSubtree } from '../regions/scope.js'
import { seesWholeIdNumber } from '../registry/people.js'
import type { PiiVault } from '../registry/pii.js'
import type { Case, CaseSummary, TimelineEntry } from './schemas.js'

export interface CaseFilter {
  ids?: string[]
  program?: string | undefined
  status?: string | undefined
  personId?: string | undefined
  afterId?: string | undefined
  limit?: number
}

/** Cases of households in the scope, with their subject and current notice, by id. */
export function caseRows (db: Kysely<DB>, scope: string, filter: CaseFilter) {
  return caseQuery(db, scope, filter).execute()
}

function caseQuery (db: Kysely<DB>, scope: string, filter: CaseFilter) {
  let query = db.selectFrom('cases as c')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .leftJoin('notices as n', (join) => join.onRef('n.case_id', '=', 'c.id').on('n.closed_on', 'is', null))
    .select([
      'c.id', 'c.program_code', 'c.person_id', 'p.household_id', 'h.region_code', 'c.status', 'c.rule_version', 'c.registered_on', 'c.active_from',
      'c.note', 'c.override_reason', 'p.name', 'p.id_number_cipher', 'p.id_number_key', 'p.id_number_masked',
      'n.id as notice_id', 'n.level as notice_level', 'n.starts_on as notice_starts_on', 'n.ends_on as notice_ends_on',
    ])
    .where(inSubtree('h.region_code', scope))
    .orderBy('c.id')
  if (filter.ids) query = query.where(idIn('c.id', filter.ids))
  if (filter.program !== undefined) query = query.where('c.program_code', '=', filter.program)
  if (filter.status !== undefined) query = query.where('c.status', '=', filter.status as CaseStatus)
  if (filter.personId !== undefined) query = query.where('c.person_id', '=', filter.personId)
  if (filter.afterId !== undefined) query = query.where('c.id', '>', filter.afterId)
  if (filter.limit !== undefined) query = query.limit(filter.limit)
  return query
}

export type CaseRow = Awaited<ReturnType<typeof caseRows>>[number]

/** A case_steps row (a case's audit row, seen as a step) as JSON: its time a string. */
type StepJson = Omit<Selectable<CaseStepsTable>, 'at'> & { at: string }

/** One case in the scope with its timeline, in one statement; undefined when there is none. */
export async function caseWithTimeline (db: Kysely<DB>, scope: string, id: string): Promise<CaseWithTimeline | undefined> {
  return (await casesWithTimeline(db, scope, [id])).get(id)
}

export interface CaseWithTimeline { row: CaseRow, timeline: TimelineEntry[] }

/** Cases in the scope with their timelines, by id, in one statement. */
export async function casesWithTimeline (db: Kysely<DB>, scope: string, ids: string[]): Promise<Map<string, CaseWithTimeline>> {
  const found = await caseQuery(db, scope, { ids })
    .select(sql<StepJson[]>`coalesce((select json_agg(s order by s.id) from case_steps s where s.case_id = c.id::text), '[]')`.as('timeline'))
    .execute()
  return new Map(found.map(({ timeline, ...row }) => [row.id, { row, timeline: timeline.map(toTimelineEntry) }]))
}

/** A case as the caller may see it: the subject's ID number whole only for the roles that check it against the card. */
export function toCaseSummary (row: CaseRow, vault: PiiVault, actor: Actor): CaseSummary {
  return {
    id: row.id,
    programCode: row.program_code,
    personId: row.person_id,
    householdId: row.household_id,
    regionCode: row.region_code,
    status: row.status,
    ruleVersion: row.rule_version,
    registeredOn: row.registered_on,
    ...(row.active_from ? { activeFrom: row.active_from } : {}),
    ...(row.notice_id
      ? { notice: { id: row.notice_id, level: row.notice_level!, startsOn: row.notice_starts_on!, endsOn: row.notice_ends_on! } }
      : {}),
    subject: { name: row.name, idNumber: seesWholeIdNumber(actor) ? vault.decrypt(row.id_number_cipher, row.id_number_key) : row.id_number_masked },
    ...(row.note ? { note: row.note } : {}),
    ...(row.override_reason ? { override: { reason: row.override_reason } } : {}),
  }
}

export function caseView (row: CaseRow, vault: PiiVault, actor: Actor): Omit<Case, 'timeline'> {
  return toCaseSummary(row, vault, actor)
}

/** A step of a case's timeline, with its responsible officer (or the service). */
function toTimelineEntry (row: StepJson): TimelineEntry {
  return {
    action: row.action,
    from: row.from_status as CaseStatus | null,
    to: row.to_status as CaseStatus,
    at: new Date(row.at).toISOString(),
    actor: {
      kind: row.actor_kind,
      id: row.actor_id,
      name: row.actor_name,
      role: row.actor_role as TimelineEntry['actor']['role'],
      regionCode: row.actor_region,
    },
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.findings ? { findings: row.findings } : {}),
  }
}
