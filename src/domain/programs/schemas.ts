import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { INT32 } from '../../http/validator.js'
import { WINDOW_START_FACTS } from '../eligibility/amounts.js'
import type { RuleNode } from '../eligibility/rule-tree.js'
import { OFFICER_ROLES } from '../identity/roles.js'
import { Money } from '../money.js'
import { LEVELS } from '../regions/scope.js'
import { SERVICE_KINDS } from '../registry/schemas.js'

const ruleNode = (description: string) => ({ ...Type.Ref('RuleNode'), description })

export const PROGRAM_CODE_PATTERN = '^[A-Z][A-Z0-9_]{1,63}$'
export const FUND_SOURCES = ['central', 'provincial', 'municipal', 'district', 'township', 'employer'] as const
export const WORKFLOW_STEPS = ['registration', 'investigation', 'review', 'confirmation'] as const

export const AmountTier = Type.Object({
  when: Type.Optional(ruleNode('The tier applies when this tree holds; a tier without it always applies. The first tier that applies is used.')),
  amount: Money('The amount of this tier, per the schedule\'s unit (a year, a month, once, a claim).'),
  service: Type.Optional(Type.Enum([...SERVICE_KINDS], { description: 'Per-claim schedules: the service this price is for.' })),
}, { additionalProperties: false, description: 'One tier of an amount.' })

export const AmountSettings = Type.Object({
  per: Type.Enum(['year', 'month', 'once', 'claim', 'none'], { description: 'The unit of the amounts: a year, a month (paid for the months of the year inside the window), once, a claim (priced by service), or none for a non-cash entitlement.' }),
  schedule: Type.Array(Type.Object({
    from: calendarDate('The first day this entry is in force; it stays in force until a later entry starts.'),
    tiers: Type.Array(AmountTier, { minItems: 1, maxItems: 50, description: 'The tiers, in order.' }),
  }, { additionalProperties: false, description: 'The amounts in force from a date.' }), { maxItems: 100, description: 'Effective-dated amounts.' }),
  months: Type.Optional(Type.Object({
    from: Type.Optional(Type.Enum([...WINDOW_START_FACTS], { description: 'A date fact; months before the month of this date are not paid.' })),
    untilAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: 'Months from the month the person reaches this age on are not paid.' })),
  }, { additionalProperties: false, description: 'Monthly amounts only: the window of months paid (pro-rating).' })),
}, { $id: 'AmountSettings', additionalProperties: false, description: 'The amount schedule of a rule version.' })

export const FundingEntry = Type.Object({
  from: calendarDate('The first day these shares are in force.'),
  shares: Type.Array(Type.Object({
    source: Type.Enum([...FUND_SOURCES], { description: 'The fund that pays this share.' }),
    percent: Type.Integer({ minimum: 0, maximum: 100, description: 'Whole percent of each amount; the shares of an entry add up to 100.' }),
  }, { additionalProperties: false, description: 'One source\'s share.' }), { minItems: 1, maxItems: 6, description: 'The shares.' }),
}, { additionalProperties: false, description: 'Funding shares in force from a date.' })

export const PaymentSettings = Type.Object({
  frequency: Type.Enum(['yearly', 'once', 'per_claim', 'none'], { description: 'How often a beneficiary is paid: once a year (for the year), once, per claim, or never (not money).' }),
}, { additionalProperties: false, description: 'How a rule version pays.' })

export const WorkflowSettings = Type.Object({
  steps: Type.Array(Type.Object({
    step: Type.Enum([...WORKFLOW_STEPS], { description: 'The step.' }),
    role: Type.Enum([...OFFICER_ROLES], { description: 'The role an officer needs to take it.' }),
    regionLevel: Type.Enum([...LEVELS], { description: 'The level of region the officer must be scoped to.' }),
    noticeDays: Type.Integer({ minimum: 0, maximum: 90, description: 'Days of public notice after the step; 0 for none.' }),
  }, { additionalProperties: false, description: 'One step of the approval workflow.' }), { minItems: 1, maxItems: 10, description: 'The steps, in order.' }),
}, { $id: 'WorkflowSettings', additionalProperties: false, description: 'The approval workflow of a rule version (DESIGN §4).' })

const versionFields = {
  effectiveFrom: calendarDate('The day the version\'s rules apply from.'),
  rules: ruleNode('The eligibility rules: a predicate tree over facts (docs/eligibility.md).'),
  amounts: Type.Ref('AmountSettings'),
  funding: Type.Array(FundingEntry, { maxItems: 100, description: 'Effective-dated funding shares.' }),
  payment: PaymentSettings,
  workflow: Type.Ref('WorkflowSettings'),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why this version was written: the policy document it follows.' })),
}

export const RuleVersionCreate = Type.Object(versionFields, { $id: 'RuleVersionCreate', additionalProperties: false, description: 'A new draft rule version.' })

const officerRef = (description: string) => Type.Object({
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The officer\'s id; null for the service itself (the seeded catalogue).' }),
  name: Type.String({ description: 'The officer\'s name.' }),
}, { additionalProperties: false, description })

export const RuleVersion = Type.Object({
  programCode: Type.String({ description: 'The programme.' }),
  version: Type.Integer({ description: 'The version number, from 1.' }),
  status: Type.Enum(['draft', 'active', 'retired'], { description: 'draft → active → retired; at most one active per programme.' }),
  ...versionFields,
  note: Type.Union([Type.String(), Type.Null()], { description: 'Why this version was written.' }),
  author: officerRef('Who wrote the version.'),
  activatedBy: Type.Union([officerRef('Who activated it.'), Type.Null()], { description: 'Who activated the version (never its author); null until active.' }),
  activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was activated.' }),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was retired.' }),
  createdAt: Type.String({ format: 'date-time', description: 'When it was written.' }),
}, { $id: 'RuleVersion', additionalProperties: false, description: 'A rule version of a programme.' })

export const ProgramSummary = Type.Object({
  code: Type.String({ description: 'The programme code, e.g. RURAL_REWARD.' }),
  name: Type.String({ description: 'The programme\'s name as the district uses it.' }),
  title: Type.String({ description: 'The name in English.' }),
  subject: Type.Enum(['person', 'child', 'household'], { description: 'Who a case is about: a person, a child (paid to the parents), or a household (through its head).' }),
  activeVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'The number of the active rule version; null when none is.' }),
}, { $id: 'ProgramSummary', additionalProperties: false, description: 'A programme.' })

export const ProgramList = Type.Object({
  items: Type.Array(Type.Ref('ProgramSummary'), { description: 'Every programme.' }),
  nextCursor: Type.Null({ description: 'Always null: the catalogue is one page.' }),
}, { $id: 'ProgramList', additionalProperties: false, description: 'The programme catalogue.' })

export const Program = Type.Object({
  ...ProgramSummary.properties,
  active: Type.Union([Type.Ref('RuleVersion'), Type.Null()], { description: 'The active rule version in full.' }),
  versions: Type.Array(Type.Object({
    version: Type.Integer({ description: 'The version number.' }),
    status: Type.Enum(['draft', 'active', 'retired'], { description: 'Its status.' }),
    effectiveFrom: calendarDate('The day it applies from.'),
    createdAt: Type.String({ format: 'date-time', description: 'When it was written.' }),
  }, { additionalProperties: false, description: 'A version in brief.' }), { description: 'Every version, newest first.' }),
}, { $id: 'Program', additionalProperties: false, description: 'A programme with its rule versions.' })

export const RuleVersionTransition = Type.Object({
  action: Type.Enum(['activate', 'retire'], { description: 'activate a draft (another administrator than its author; the active version is retired with it), or retire a draft or the active version.' }),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Why; written to the audit trail.' })),
}, { $id: 'RuleVersionTransition', additionalProperties: false, description: 'A change of a rule version\'s status.' })

export const ProgramParams = Type.Object({
  code: Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'The programme code.' }),
}, { additionalProperties: false })

export const VersionParams = Type.Object({
  code: Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'The programme code.' }),
  version: Type.Integer({ minimum: 1, maximum: INT32.maximum, description: 'The version number.' }),
}, { additionalProperties: false })

export type RuleVersionCreate = Omit<Static<typeof RuleVersionCreate>, 'rules' | 'amounts' | 'workflow'> & {
  rules: RuleNode
  amounts: AmountSettingsBody
  workflow: Static<typeof WorkflowSettings>
}
export type AmountSettingsBody = Omit<Static<typeof AmountSettings>, 'schedule'> & {
  schedule: Array<{ from: string, tiers: Array<{ when?: RuleNode, amount: string, service?: string }> }>
}
export type RuleVersion = Static<typeof RuleVersion>
export type Program = Static<typeof Program>
export type ProgramSummary = Static<typeof ProgramSummary>
export type RuleVersionTransition = Static<typeof RuleVersionTransition>
