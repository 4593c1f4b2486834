import type { Static } from 'typebox'
import type { Kysely, Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { decodeCursor, isUuid, toPage } from '../../http/paging.js'
import { recordAudit } from '../audit/record.js'
import type { Criterion } from '../eligibility/schemas.js'
import { evaluatePerson } from '../eligibility/service.js'
import { actingAs, systemActing, type Acting } from '../identity/acting.js'
import { programForCases } from '../programs/service.js'
import { levelOf } from '../regions/scope.js'
import { listedRegion } from '../regions/service.js'
import type { PiiVault } from '../registry/pii.js'
import { getPerson, type Registry } from '../registry/service.js'
import { transitionMany } from '../state/machine.js'
import { CASE, isFollowed, NOTICE_ENDED_REASON, type CaseAction } from './case-machine.js'
import { caseExists, caseNotFound, caseSubject, notEligible, wrongLevel } from './errors.js'
import { dueForActivation } from './repo.js'
import type { Case, CaseCreate, CaseListQuery, CaseTransition, CaseTransitions } from './schemas.js'
import { stepOf, type Workflow } from './steps.js'
import { takeTogether } from './step-groups.js'
import { caseRows, caseView, caseWithTimeline, toCaseSummary, type CaseRow, type CaseWithTimeline } from './views.js'

type CriterionResult = Static<typeof Criterion>

function isUniqueViolation (error: unknown): boolean {
  return (error as { code?: string }).code === '23505'
}

/** The caller acting as the programme's workflow says registration is taken: in its role, at its region level. */
export function asRegistrar (workflow: Workflow, acting: Acting): Acting {
  const registration = stepOf(workflow, 'registration')
  const registrar = actingAs(acting, registration.role)
  if (levelOf(acting.scope) !== registration.regionLevel) throw wrongLevel('registration', registration.regionLevel, levelOf(acting.scope) ?? 'region')
  return registrar
}

/**
 * Whether a person can be the subject of a programme's case (DESIGN §4: the subject
 * follows the programme's `subject`): any person; for a household, its head; for a child,
 * someone's child — a person whose mother or father is on record, the parents a child's
 * programme pays (DESIGN §2: a person's children are those who name them as parent).
 */
export function isSubjectOf (subject: 'person' | 'child' | 'household', person: { relationship: string, motherId: string | null, fatherId: string | null }): boolean {
  switch (subject) {
    case 'household': return person.relationship === 'head'
    case 'child': return person.motherId !== null || person.fatherId !== null
    default: return true
  }
}

/**
 * Registers a case (DESIGN §4): by the role and at the level the programme's workflow
 * names for registration, for the subject the programme decides on, checked with the
 * evaluator as of the clock's today. A subject that does not qualify is refused with
 * the criteria it fails, unless the registrar overrides with a reason (audited). One
 * open or active case per subject and programme.
 */
export async function registerCase (registry: Registry, acting: Acting, input: CaseCreate): Promise<Case> {
  const program = await programForCases(registry.db, input.programCode)
  const registrar = asRegistrar(program.workflow, acting)
  const subject = await getPerson(registry, acting, input.personId)
  if (!isSubjectOf(program.subject, subject)) throw caseSubject(program.code, program.subject as 'household' | 'child')
  const today = await acting.clock.today()
  const evaluation = await evaluatePerson(registry.db, acting, { programCode: program.code, personId: subject.id, asOf: today })
  if (!evaluation.eligible && !input.override) {
    const failing = (evaluation.criteria as CriterionResult[]).filter((criterion) => !criterion.passed)
    throw notEligible('not_eligible', `On ${today} the subject does not qualify for ${program.code}: ${failing.map((each) => each.label).join('; ')}.`,
      failing.map((each) => ({ path: `/criteria/${each.id}`, message: `${each.label}: ${JSON.stringify(each.actual)}, expected ${JSON.stringify(each.expected)}` })))
  }
  const id = await inTransaction(registry.db, async (trx) => {
    const row = await trx.insertInto('cases').values({
      program_code: program.code,
      rule_version: program.version,
      person_id: subject.id,
      status: 'registered',
      status_since: acting.clock.sql,
      registered_on: today,
      note: input.note ?? null,
      override_reason: input.override?.reason ?? null,
      registered_by: registrar.actor.kind === 'officer' ? registrar.actor.id : null,
    }).returning('id').executeTakeFirstOrThrow().catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error
      throw caseExists(program.code)
    })
    await recordAudit(trx, registrar, {
      entityType: 'case',
      entityId: row.id,
      action: 'register',
      toStatus: 'registered',
      regionCode: (await caseRows(trx, registrar.scope, { ids: [row.id] }))[0]!.region_code,
      reason: input.override?.reason ?? null,
      changes: {
        programCode: program.code, personId: subject.id, ruleVersion: program.version,
        eligible: evaluation.eligible, ...(input.override ? { override: true } : {}),
      },
    })
    return row.id
  })
  return getCase(registry, acting, id)
}

/**
 * Makes active the cases whose district notice has ended with no objection pending:
 * the sweep does it for the whole district, a read or an action for the cases it
 * touches. Audited with the service as actor.
 */
export async function settleDueCases (db: Kysely<DB>, acting: Acting, caseIds?: string[]): Promise<number> {
  return inTransaction(db, async (trx) => {
    const due = await dueForActivation(trx, acting.scope, acting.clock, caseIds)
    if (due.length === 0) return 0
    const system = systemActing('huimin', acting.scope, acting.clock, acting.requestId)
    const { succeeded } = await transitionMany(trx, CASE, system, due, 'activate', { reason: NOTICE_ENDED_REASON })
    return succeeded.length
  })
}

export async function getCase (registry: Registry, acting: Acting, id: string): Promise<Case> {
  await settleDueCases(registry.db, acting, [id])
  return readCase(registry, acting, id)
}

async function readCase (registry: Registry, acting: Acting, id: string): Promise<Case> {
  const found = await caseWithTimeline(registry.db, acting.scope, id)
  if (!found) throw caseNotFound(id)
  return withTimeline(found, registry.vault, acting)
}

function withTimeline (found: CaseWithTimeline, vault: PiiVault, acting: Acting): Case {
  return { ...caseView(found.row, vault, acting.actor), timeline: found.timeline }
}

export async function listCases (registry: Registry, acting: Acting, query: CaseListQuery & { limit: number }) {
  const region = await listedRegion(registry.db, query.region, acting.scope)
  await settleDueCases(registry.db, { ...acting, scope: region })
  const rows = await caseRows(registry.db, region, {
    program: query.program, status: query.status, personId: query.personId, afterId: decodeCursor(query.cursor, isUuid), limit: query.limit + 1,
  })
  return toPage(rows, query.limit, (row: CaseRow) => row.id, (row) => toCaseSummary(row, registry.vault, acting.actor))
}

/** One step on one case by the officer acting; the case as it then stands. */
export async function takeStep (registry: Registry, acting: Acting, id: string, input: CaseTransition): Promise<Case> {
  const found = await takeTogether(registry.db, { acting, id, input })
  if (!found) throw caseNotFound(id)
  return withTimeline(found, registry.vault, acting)
}

/** One step on many cases, each on its own checks, set-based: a township reviewer approving 2,000 cases is one request. */
export async function takeSteps (db: Kysely<DB>, acting: Acting, input: CaseTransitions) {
  return inTransaction(db, async (trx) => {
    const outcome = await transitionMany(trx, CASE, acting, input.caseIds, input.action as CaseAction, {
      reason: input.reason ?? null, findings: input.findings ?? null,
    })
    // Where the system follows the step, the cases stand further on than the step's state: read them.
    const now = isFollowed(input.action as CaseAction) ? await currentStatuses(trx, outcome.succeeded.map((row) => row.id)) : new Map<string, string>()
    return {
      succeeded: outcome.succeeded.map((row) => ({ id: row.id, status: now.get(row.id) ?? row.to })),
      failed: outcome.failed.map(({ id, code, detail }) => ({ id, code, detail })),
    }
  })
}

async function currentStatuses (trx: Transaction<DB>, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>()
  const rows = await trx.selectFrom('cases').select(['id', 'status']).where(idIn('id', ids)).execute()
  return new Map(rows.map((row) => [row.id, row.status]))
}

/**
 * A death ends the person's benefits: their active and suspended cases exit, in the
 * transaction that records the death, audited with the service as actor and the death
 * as reason. (What is still owed — RURAL_REWARD's year of death, the months up to it —
 * is the programme's amounts' to say.)
 */
export async function exitCasesOnDeath (trx: Transaction<DB>, acting: Acting, death: { personId: string, date: string }): Promise<void> {
  const cases = await trx.selectFrom('cases').select('id')
    .where('person_id', '=', death.personId).where('status', 'in', ['active', 'suspended']).execute()
  if (cases.length === 0) return
  const system = systemActing('huimin', acting.scope, acting.clock, acting.requestId)
  await transitionMany(trx, CASE, system, cases.map((row) => row.id), 'exit', { reason: `death recorded: ${death.date}` })
}

