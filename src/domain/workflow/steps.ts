import type { CaseStatus, NoticeLevel, RegionLevel } from '../../db/types.js'
import type { OfficerRole } from '../identity/roles.js'
import { LEVELS } from '../regions/scope.js'

/**
 * The steps of the approval workflow (DESIGN §4) as a rule version's `workflow.steps`
 * sets them: the role each needs, the region level of the officer who takes it, and
 * the days of public notice after it.
 */
export type StepName = 'registration' | 'investigation' | 'review' | 'confirmation'

export interface WorkflowStep {
  step: StepName
  role: OfficerRole
  regionLevel: RegionLevel
  noticeDays: number
}

export interface Workflow {
  steps: WorkflowStep[]
}

/** The officer steps after registration, each with the state it leads to and the notice that follows it. */
export const OFFICER_STEPS = {
  investigation: { action: 'investigate', done: 'investigated', notice: 'village_notice', level: 'village' },
  review: { action: 'review', done: 'reviewed', notice: 'township_notice', level: 'township' },
  confirmation: { action: 'confirm', done: 'confirmed', notice: 'district_notice', level: 'district' },
} as const satisfies Record<Exclude<StepName, 'registration'>, { action: string, done: CaseStatus, notice: CaseStatus, level: NoticeLevel }>

export type OfficerStep = keyof typeof OFFICER_STEPS

/** A case not yet decided: what an objection blocks, and what a rejection or withdrawal ends. */
export const OPEN_STATES = ['registered', 'investigated', 'village_notice', 'reviewed', 'township_notice', 'confirmed', 'district_notice'] as const
/** A beneficiary, paid or paused. */
export const BENEFICIARY_STATES = ['active', 'suspended'] as const
/** Ended: nothing moves a case on from here. */
export const CLOSED_STATES = ['exited', 'completed', 'rejected', 'withdrawn'] as const

export function stepOf (workflow: Workflow, step: StepName): WorkflowStep {
  const found = workflow.steps.find((each) => each.step === step)
  if (!found) throw new Error(`the workflow has no ${step} step`)
  return found
}

/** The step whose officer decides a case in this state next: who may reject it. */
export function nextStep (status: CaseStatus): OfficerStep | undefined {
  switch (status) {
    case 'registered': return 'investigation'
    case 'investigated': case 'village_notice': return 'review'
    case 'reviewed': case 'township_notice': case 'confirmed': case 'district_notice': return 'confirmation'
    default: return undefined
  }
}

/** The region of a level above (or at) a code: the village of a hamlet, the township of a village … */
export function regionAtLevel (code: string, level: RegionLevel): string {
  return code.split('.').slice(0, LEVELS.indexOf(level) + 1).join('.')
}

/** The last day of a notice opened on a day for n days (inclusive, Asia/Shanghai dates): 3 March + 7 → 9 March. */
export function noticeEndsOn (startsOn: string, days: number): string {
  const end = new Date(`${startsOn}T00:00:00Z`)
  end.setUTCDate(end.getUTCDate() + days - 1)
  return end.toISOString().slice(0, 10)
}
