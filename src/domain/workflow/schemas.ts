import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { pageOf, pageQuery } from '../../http/paging.js'
import { OFFICER_ROLES } from '../identity/roles.js'
import { PROGRAM_CODE_PATTERN, uuid } from '../identity/schemas.js'
import { regionCode } from '../regions/schemas.js'

export const CASE_STATUSES = [
  'registered', 'investigated', 'village_notice', 'reviewed', 'township_notice', 'confirmed', 'district_notice',
  'active', 'suspended', 'exited', 'completed', 'rejected', 'withdrawn',
] as const

/** The steps an officer takes through the API; the system takes the others (notices, activation, completion). */
export const OFFICER_ACTIONS = ['investigate', 'review', 'confirm', 'reject', 'withdraw', 'suspend', 'resume', 'exit'] as const

export const CaseStatus = Type.Enum([...CASE_STATUSES], { type: 'string', description: 'Where the case stands (DESIGN §4).' })
const NoticeLevel = Type.Enum(['village', 'township', 'district'], { type: 'string', description: 'The level whose board carries the notice.' })

export const CaseCreate = Type.Object({
  programCode: Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'The programme applied to.' }),
  personId: uuid('The subject: the person; for household programmes the head; for child programmes the child.'),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'What the registrar wants the next officers to know.' })),
  override: Type.Optional(Type.Object({
    reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why the case is registered although the evaluator says the subject does not qualify; audited.' }),
  }, { additionalProperties: false, description: 'Register a subject the evaluator does not qualify, with the reason.' })),
}, { $id: 'CaseCreate', additionalProperties: false, description: 'An application of one subject to one programme.' })

export const CaseActor = Type.Object({
  kind: Type.Enum(['officer', 'partner', 'system'], { type: 'string', description: 'An officer, or the service itself.' }),
  id: Type.Union([uuid('Officer id.'), Type.Null()], { description: 'The officer\'s id; null for the service.' }),
  name: Type.String({ description: 'The responsible officer\'s name, or the service\'s.' }),
  role: Type.Union([Type.Enum([...OFFICER_ROLES], { type: 'string' }), Type.Null()], { description: 'The role the step was taken in.' }),
  regionCode: Type.Union([regionCode('The officer\'s region.'), Type.Null()], { description: 'The officer\'s region; null for the service.' }),
}, { $id: 'CaseActor', additionalProperties: false, description: 'Who took a step.' })

export const TimelineEntry = Type.Object({
  action: Type.String({ description: 'The step: register, investigate, open_village_notice, review …' }),
  from: Type.Union([CaseStatus, Type.Null()], { description: 'The state before; null for the registration.' }),
  to: CaseStatus,
  at: Type.String({ format: 'date-time', description: 'When, on the service\'s clock.' }),
  actor: Type.Ref('CaseActor'),
  reason: Type.Optional(Type.String({ description: 'Why: the officer\'s reason, or the notice or event for the service\'s steps.' })),
  findings: Type.Optional(Type.String({ description: 'What the officer found (an investigation\'s findings).' })),
}, { $id: 'TimelineEntry', additionalProperties: false, description: 'One step of a case, with its responsible officer.' })

export const Notice = Type.Object({
  id: uuid('Notice id: the public objects against it at POST /public/notices/{id}/objections.'),
  level: NoticeLevel,
  startsOn: calendarDate('The first day it is posted.'),
  endsOn: calendarDate('The last day it is posted (inclusive, Asia/Shanghai); the case may move on from the day after.'),
}, { $id: 'Notice', additionalProperties: false, description: 'A public notice of a case.' })

const caseFields = {
  id: uuid('Case id.'),
  programCode: Type.String({ description: 'The programme.' }),
  personId: uuid('The subject.'),
  householdId: uuid('The subject\'s household.'),
  regionCode: regionCode('Where the subject\'s household lives.'),
  status: CaseStatus,
  ruleVersion: Type.Integer({ description: 'The rule version the case was registered under: its workflow governs the steps.' }),
  registeredOn: calendarDate('The day it was registered.'),
  activeFrom: Type.Optional(calendarDate('The day the subject became a beneficiary.')),
  notice: Type.Optional(Type.Ref('Notice')),
  subject: Type.Object({
    name: Type.String({ description: 'Full name.' }),
    idNumber: Type.String({ description: 'ID number: whole for registrars and investigators, otherwise masked (first 6 and last 4).' }),
  }, { additionalProperties: false, description: 'Who the case is about.' }),
  note: Type.Optional(Type.String({ description: 'The registrar\'s note.' })),
  override: Type.Optional(Type.Object({ reason: Type.String({ description: 'Why it was registered against the evaluator\'s answer.' }) }, {
    additionalProperties: false, description: 'Present when the case was registered although the subject did not qualify.',
  })),
}

export const CaseSummary = Type.Object(caseFields, { $id: 'CaseSummary', additionalProperties: false, description: 'A case, without its timeline.' })

export const Case = Type.Object({
  ...caseFields,
  timeline: Type.Array(Type.Ref('TimelineEntry'), { description: 'Every step, oldest first, each with its responsible officer.' }),
}, { $id: 'Case', additionalProperties: false, description: 'One application of one subject to one programme, and every step of it.' })

export const CasePage = pageOf(Type.Ref('CaseSummary'), 'CasePage', 'A page of cases.')

export const CaseListQuery = Type.Object({
  program: Type.Optional(Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'Only cases of this programme.' })),
  status: Type.Optional(CaseStatus),
  region: Type.Optional(regionCode('Only cases of households in this region and its subtree.')),
  personId: Type.Optional(uuid('Only cases of this subject.')),
  ...pageQuery,
}, { additionalProperties: false })

const transitionFields = {
  action: Type.Enum([...OFFICER_ACTIONS], { type: 'string', description: 'The step to take. reject, suspend, resume and exit need a reason.' }),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Why.' })),
  findings: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'What the officer found: an investigation\'s findings, kept with the step.' })),
}

export const CaseTransition = Type.Object(transitionFields, {
  $id: 'CaseTransition', additionalProperties: false, description: 'A step taken by the officer whose token this is.',
})

export const CaseTransitions = Type.Object({
  ...transitionFields,
  caseIds: Type.Array(uuid('A case id.'), { minItems: 1, maxItems: 10000, description: 'The cases, each checked on its own (at most 10,000).' }),
}, { $id: 'CaseTransitions', additionalProperties: false, description: 'One step taken on many cases.' })

export const TransitionOutcome = Type.Object({
  succeeded: Type.Array(Type.Object({
    id: uuid('Case id.'),
    status: CaseStatus,
  }, { additionalProperties: false, description: 'A case that took the step, and where it now stands.' }), { description: 'The cases that moved.' }),
  failed: Type.Array(Type.Object({
    id: uuid('Case id.'),
    code: Type.String({ description: 'The problem code of the first check it failed (docs/errors.md).' }),
    detail: Type.String({ description: 'Why, for a person to read.' }),
  }, { additionalProperties: false, description: 'A case that did not move.' }), { description: 'The cases that did not, each with why.' }),
}, { $id: 'TransitionOutcome', additionalProperties: false, description: 'Per case, the step taken or why not.' })

export const CaseRegistrations = Type.Object({
  screeningId: uuid('A finished screening of your region: its candidates are registered.'),
  personIds: Type.Optional(Type.Array(uuid('A candidate of the screening.'), {
    minItems: 1, maxItems: 100000, uniqueItems: true, description: 'Only these candidates; all of the screening\'s when absent.',
  })),
}, { $id: 'CaseRegistrations', additionalProperties: false, description: 'Register a screening\'s candidates as cases, each on its own.' })

export type CaseCreate = Static<typeof CaseCreate>
export type CaseRegistrations = Static<typeof CaseRegistrations>
export type TimelineEntry = Omit<Static<typeof TimelineEntry>, 'actor'> & { actor: Static<typeof CaseActor> }
export type CaseSummary = Omit<Static<typeof CaseSummary>, 'notice'> & { notice?: Static<typeof Notice> }
export type Case = CaseSummary & { timeline: TimelineEntry[] }
export type CaseTransition = Static<typeof CaseTransition>
export type CaseTransitions = Static<typeof CaseTransitions>
export type CaseListQuery = Static<typeof CaseListQuery>
