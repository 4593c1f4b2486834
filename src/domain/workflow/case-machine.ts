import { sql, type Transaction } from 'kysely'
import type { CaseStatus, DB } from '../../db/types.js'
import { sqlToday } from '../clock/clock.js'
import { notFound } from '../entities.js'
import { systemActing, type Acting } from '../identity/acting.js'
import { levelOf } from '../regions/scope.js'
import { fourEyes } from '../state/errors.js'
import { defineMachine, transitionMany, type Changed, type Guard, type Machine, type StepRole, type TransitionOptions } from '../state/machine.js'
import { noticeRunning, objectionOpen, wrongLevel } from './errors.js'
import { lockCases, noticesClosing, postNotices, type LockedCase } from './repo.js'
import { nextStep, OFFICER_STEPS, OPEN_STATES, regionAtLevel, stepOf, type OfficerStep, type StepName } from './steps.js'

/** The officer must be scoped to the region level the rule version's workflow names for the step. */
const atLevelOf = (step: StepName | ((row: LockedCase) => StepName | undefined)): Guard<LockedCase> => (row, acting) => {
  const name = typeof step === 'function' ? step(row) : step
  if (acting.actor.kind === 'system' || !name) return undefined
  const wanted = stepOf(row.workflow, name).regionLevel
  const level = levelOf(acting.scope) ?? 'region'
  return level === wanted ? undefined : wrongLevel(name, wanted, level)
}

/** Who took each officer step so far. */
const TAKEN: Record<OfficerStep, keyof Pick<LockedCase, 'investigated_by' | 'reviewed_by' | 'confirmed_by'>> = {
  investigation: 'investigated_by', review: 'reviewed_by', confirmation: 'confirmed_by',
}

/** Four eyes: nobody takes two of investigation, review and confirmation on one case. */
const byAnotherOfficer = (step: OfficerStep | ((row: LockedCase) => OfficerStep | undefined)): Guard<LockedCase> => (row, acting) => {
  const name = typeof step === 'function' ? step(row) : step
  if (acting.actor.kind === 'system' || !name) return undefined
  const others = (Object.keys(TAKEN) as OfficerStep[]).filter((each) => each !== name).map((each) => row[TAKEN[each]])
  return others.includes(acting.actor.id) ? fourEyes(`You took another step of this case; the ${name} is taken by a different officer.`) : undefined
}

const noticeEnded: Guard<LockedCase> = (row) => row.notice_running ? noticeRunning(row.notice_level!, row.notice_ends_on!) : undefined
const noObjectionPending: Guard<LockedCase> = (row) => row.pending_objections > 0 ? objectionOpen(row.pending_objections) : undefined

const roleOfStep = (step: StepName | ((row: LockedCase) => StepName | undefined)) => (row: LockedCase): StepRole => {
  const name = typeof step === 'function' ? step(row) : step
  return name ? stepOf(row.workflow, name).role : null
}

const officerStep = (step: OfficerStep) => ({
  role: roleOfStep(step),
  guards: [atLevelOf(step), byAnotherOfficer(step)],
})

/** The step a beneficiary's confirmer takes: suspending, resuming, ending. */
const confirmerStep = { role: roleOfStep('confirmation'), guards: [atLevelOf('confirmation')], reasonRequired: true }

/**
 * A case's life (DESIGN §4): registered → investigated → village notice → reviewed →
 * township notice → confirmed → district notice → active, each officer step by the role
 * and region level its rule version's workflow names, four eyes across investigation,
 * review and confirmation, nothing moving on while a notice runs or an objection is
 * undecided. The system opens the notices and makes a case active when its district
 * notice ends.
 */
export type CaseAction =
  | 'investigate' | 'review' | 'confirm' | 'open_village_notice' | 'open_township_notice' | 'open_district_notice' | 'activate'
  | 'reject' | 'withdraw' | 'suspend' | 'resume' | 'exit' | 'complete'

export const CASE: Machine<CaseStatus, CaseAction, LockedCase> = defineMachine({
  entity: 'case',
  table: 'cases',
  steps: {
    investigate: { from: ['registered'], to: 'investigated', ...officerStep('investigation') },
    review: { from: ['investigated', 'village_notice'], to: 'reviewed', ...officerStep('review'), holds: [noticeEnded, noObjectionPending] },
    confirm: { from: ['reviewed', 'township_notice'], to: 'confirmed', ...officerStep('confirmation'), holds: [noticeEnded, noObjectionPending] },
    open_village_notice: { from: ['investigated'], to: 'village_notice', role: 'system' },
    open_township_notice: { from: ['reviewed'], to: 'township_notice', role: 'system' },
    open_district_notice: { from: ['confirmed'], to: 'district_notice', role: 'system' },
    activate: { from: ['confirmed', 'district_notice'], to: 'active', role: 'system', holds: [noticeEnded, noObjectionPending] },
    reject: {
      from: OPEN_STATES,
      to: 'rejected',
      role: roleOfStep((row) => nextStep(row.status)),
      guards: [atLevelOf((row) => nextStep(row.status)), byAnotherOfficer((row) => nextStep(row.status))],
      reasonRequired: true,
    },
    withdraw: { from: OPEN_STATES, to: 'withdrawn', role: roleOfStep('registration'), guards: [atLevelOf('registration')] },
    suspend: { from: ['active'], to: 'suspended', ...confirmerStep },
    resume: { from: ['suspended'], to: 'active', ...confirmerStep },
    exit: { from: ['active', 'suspended'], to: 'exited', ...confirmerStep },
    complete: { from: ['active'], to: 'completed', role: 'system' },
  },
  lock: lockCasesFor,
  settle: activateDue,
  notFound: notFound('case'),
  columns: (_to, acting, action) => ({ status_since: acting.clock.sql, ...takenBy(acting, action) }),
  audited: (row) => ({ programCode: row.program_code, personId: row.person_id }),
  alongside: noticesLeft,
  afterwards: followSteps,
})

/** Who took the step, or the day the case became active, kept on the case. */
function takenBy (acting: Acting, action: CaseAction) {
  const officer = sql`${acting.actor.kind === 'officer' ? acting.actor.id : null}::uuid`
  switch (action) {
    case 'investigate': return { investigated_by: officer }
    case 'review': return { reviewed_by: officer }
    case 'confirm': return { confirmed_by: officer }
    case 'activate': return { active_from: sql`coalesce(active_from, ${sqlToday(acting.clock)})` }
    default: return {}
  }
}

function lockCasesFor (trx: Transaction<DB>, ids: readonly string[], acting: Acting) {
  return lockCases(trx, ids, acting.scope, acting.clock)
}

export const NOTICE_ENDED_REASON = 'the district notice ended with no objection pending'

/** Before an officer's step on a case that is due, the service makes it active, as the sweep would have. */
async function activateDue (trx: Transaction<DB>, rows: LockedCase[], acting: Acting, action: CaseAction, { requestIds }: TransitionOptions): Promise<LockedCase[]> {
  const due = action === 'activate' ? [] : rows.filter((row) => row.due).map((row) => row.id)
  if (due.length === 0) return rows
  await transitionMany(trx, CASE, systemActing('huimin', acting.scope, acting.clock, acting.requestId), due, 'activate', { reason: NOTICE_ENDED_REASON, requestIds })
  const settled = new Map((await lockCases(trx, due, acting.scope, acting.clock)).map((row) => [row.id, row]))
  return rows.map((row) => settled.get(row.id) ?? row)
}

const NOTICE_STATES: readonly CaseStatus[] = ['village_notice', 'township_notice', 'district_notice']
const OPENS: Partial<Record<CaseAction, OfficerStep>> = { investigate: 'investigation', review: 'review', confirm: 'confirmation' }
const POSTS: Partial<Record<CaseAction, OfficerStep>> = {
  open_village_notice: 'investigation', open_township_notice: 'review', open_district_notice: 'confirmation',
}

/** Whether the system takes a step of its own after this one, in its transaction (a notice opened, a case made active): the case then stands past the step's state. */
export function isFollowed (action: CaseAction): boolean {
  return OPENS[action] !== undefined
}

/**
 * Written with the step itself, in its statement: the notice the cases left taken down.
 * (A case's timeline is its audit rows, which the step writes: see case_steps.)
 */
function noticesLeft (changed: ReadonlyArray<Changed<CaseStatus, CaseAction, LockedCase>>, acting: Acting) {
  const leaving = changed.filter(({ row }) => NOTICE_STATES.includes(row.status)).map(({ row }) => row.id)
  return leaving.length > 0 ? [noticesClosing(leaving, acting.clock)] : []
}

/**
 * What follows a step, set-based, after its statement: after an officer step, the system
 * posts the step's notice (or, with no notice days after confirmation, makes the case
 * active at once).
 */
async function followSteps (trx: Transaction<DB>, changed: ReadonlyArray<Changed<CaseStatus, CaseAction, LockedCase>>, acting: Acting, { requestIds }: TransitionOptions): Promise<void> {
  const action = changed[0]!.action
  const system = acting.actor.kind === 'system' ? acting : systemActing('huimin', acting.scope, acting.clock, acting.requestId)
  const posted = POSTS[action]
  if (posted) {
    await postNotices(trx, changed.map(({ row }) => {
      const step = stepOf(row.workflow, posted)
      return { caseId: row.id, level: OFFICER_STEPS[posted].level, regionCode: regionAtLevel(row.region_code, OFFICER_STEPS[posted].level), days: step.noticeDays }
    }), acting.clock)
    return
  }
  const opened = OPENS[action]
  if (!opened) return
  // The cases' rule versions may give their notices different days: each length is its own step, with its own reason.
  const byDays = new Map<number, string[]>()
  for (const { row } of changed) {
    const days = stepOf(row.workflow, opened).noticeDays
    const ids = byDays.get(days)
    if (ids) ids.push(row.id)
    else byDays.set(days, [row.id])
  }
  const noticeAction = `open_${OFFICER_STEPS[opened].level}_notice` as CaseAction
  for (const [days, ids] of byDays) {
    if (days > 0) await transitionMany(trx, CASE, system, ids, noticeAction, { reason: `${OFFICER_STEPS[opened].level} notice for ${days} days`, requestIds })
  }
  const straight = byDays.get(0) ?? []
  if (opened === 'confirmation' && straight.length > 0) {
    await transitionMany(trx, CASE, system, straight, 'activate', { reason: 'confirmed; the workflow posts no district notice', requestIds })
  }
}
