import { sql } from 'kysely'
import Type from 'typebox'
import { recordAudit, type AuditEntry } from '../audit/record.js'
import { sqlToday } from '../clock/clock.js'
import { defineJob, enqueueJob } from '../jobs/define.js'
import type { JobRow } from '../jobs/repo.js'
import { screeningCandidates } from '../eligibility/service.js'
import type { Acting } from '../identity/acting.js'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { programForCases } from '../programs/service.js'
import { inSubtree } from '../regions/scope.js'
import { asRegistrar, isSubjectOf } from './service.js'

export const RegistrationsInput = Type.Object({
  screeningId: Type.String({ format: 'uuid' }),
  /** Only these of the screening's candidates; all of them when absent. */
  personIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }))),
})

/** Refusals listed in the job's result; the count says how many in all. */
const LISTED = 1000

/**
 * Registers a screening's candidates, each on its own (DESIGN §4): a candidate of the
 * screening, in the registrar's region, the programme's subject (the head for a household
 * programme, a child with a parent on record for a child's), with no open or active case
 * of the programme. Registered on the screening's answer, in one set-based statement,
 * with an audit row and a timeline entry each.
 */
export const REGISTRATIONS = defineJob('workflow.registrations', RegistrationsInput, async ({ job, input, db, acting, progress }) => {
  const { programCode, personIds: candidates } = await screeningCandidates(db, acting, input.screeningId)
  const program = await programForCases(db, programCode)
  const chosen = input.personIds ?? candidates
  await progress(0, chosen.length)
  const candidateSet = new Set(candidates)
  const refusals: Array<{ personId: string, code: string, reason: string }> = []
  for (const personId of chosen) {
    if (!candidateSet.has(personId)) refusals.push({ personId, code: 'not_a_candidate', reason: 'not a candidate of the screening' })
  }
  const asked = [...new Set(chosen.filter((personId) => candidateSet.has(personId)))]
  const registered = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string, person_id: string, region_code: string }>`
      with eligible as (
        select p.id as person_id, h.region_code
          from unnest(${asked}::uuid[]) as asked (id)
          join persons p on p.id = asked.id
          join households h on h.id = p.household_id
         where ${inSubtree('h.region_code', acting.scope)}
           ${program.subject === 'household' ? sql`and p.relationship = 'head'` : sql``}
           ${program.subject === 'child' ? sql`and (p.mother_id is not null or p.father_id is not null)` : sql``}
      ), inserted as (
        insert into cases (program_code, rule_version, person_id, status, status_since, registered_on, registered_by)
        select ${program.code}, ${program.version}, person_id, 'registered', ${acting.clock.sql}, ${sqlToday(acting.clock)}, ${acting.actor.kind === 'officer' ? acting.actor.id : null}::uuid
          from eligible
        on conflict (program_code, person_id) where status not in ('exited', 'completed', 'rejected', 'withdrawn') do nothing
        returning id, person_id
      )
      select inserted.id, inserted.person_id, eligible.region_code from inserted join eligible using (person_id)
    `.execute(trx)
    await recordAudit(trx, acting, ...rows.map((row): AuditEntry => ({
      entityType: 'case', entityId: row.id, action: 'register', toStatus: 'registered', regionCode: row.region_code, reason: `screening ${input.screeningId}`,
      changes: { programCode: program.code, personId: row.person_id, ruleVersion: program.version, screeningId: input.screeningId },
    })))
    return rows
  })
  const done = new Set(registered.map((row) => row.person_id))
  const reasons = await whyNot(db, acting, program.subject, asked.filter((personId) => !done.has(personId)))
  refusals.push(...reasons)
  await progress(chosen.length, chosen.length)
  return {
    screeningId: input.screeningId,
    programCode: program.code,
    registeredCount: registered.length,
    refusedCount: refusals.length,
    refused: refusals.slice(0, LISTED),
    cases: `/v1/cases?program=${program.code}&status=registered`,
  }
})

/** Why candidates were not registered: outside the region, not the programme's subject (the head, a child), or a case already open. */
async function whyNot (db: Kysely<DB>, acting: Acting, subject: 'person' | 'child' | 'household', personIds: string[]) {
  if (personIds.length === 0) return []
  const rows = await db.selectFrom('persons as p').innerJoin('households as h', 'h.id', 'p.household_id')
    .select(['p.id', 'p.relationship', 'p.mother_id', 'p.father_id', sql<boolean>`${inSubtree('h.region_code', acting.scope)}`.as('visible')])
    .where('p.id', 'in', personIds).execute()
  const known = new Map(rows.map((row) => [row.id, row]))
  return personIds.map((personId) => {
    const row = known.get(personId)
    if (!row || !row.visible) return { personId, code: 'person_not_found', reason: 'not a person of your region' }
    if (!isSubjectOf(subject, { relationship: row.relationship, motherId: row.mother_id, fatherId: row.father_id })) {
      return { personId, code: 'case_subject', reason: subject === 'household' ? 'not the head of the household' : 'no mother or father on record: not a child' }
    }
    return { personId, code: 'case_exists', reason: 'already has an open or active case of the programme' }
  })
}

/** Queues the registration of a screening's candidates by the registrar acting. */
export async function startRegistrations (db: Kysely<DB>, acting: Acting, input: { screeningId: string, personIds?: string[] | undefined }): Promise<JobRow> {
  const { programCode } = await screeningCandidates(db, acting, input.screeningId)
  const registrar = asRegistrar((await programForCases(db, programCode)).workflow, acting)
  return enqueueJob(db, registrar, REGISTRATIONS, {
    screeningId: input.screeningId, ...(input.personIds ? { personIds: input.personIds } : {}),
  }, { regionCode: acting.scope })
}
