import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { pageOf, pageQuery } from '../../http/paging.js'
import { Money } from '../money.js'
import { FUND_SOURCES, PROGRAM_CODE_PATTERN } from '../programs/schemas.js'

const factValue = (description: string) => Type.Union([Type.Integer(), Type.Boolean(), Type.String(), Type.Null()], { description })

export const EvaluationRequest = Type.Object({
  programCode: Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'The programme, e.g. RURAL_REWARD.' }),
  personId: Type.String({ format: 'uuid', description: 'The person evaluated.' }),
  asOf: Type.Optional(calendarDate('The date the facts are taken on; its year is the payment year. Today (Asia/Shanghai) when omitted; for a claim, its service date.')),
  claimId: Type.Optional(Type.String({ format: 'uuid', description: 'For a programme decided per claim (FREE_SERVICES): the claim, one of the person\'s `service` events; required for such a programme, refused for others. The claim is priced by the price list in force on its service date.' })),
}, { $id: 'EvaluationRequest', additionalProperties: false, description: 'Does a person qualify for a programme, and why.' })

export const Criterion = Type.Object({
  id: Type.String({ description: 'The criterion\'s id in the rule tree.' }),
  label: Type.String({ description: 'What it means.' }),
  fact: Type.String({ description: 'The fact compared; `amount` for the evaluator\'s own check that something is owed (criterion `owed`).' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]), { description: 'The fact\'s parameters.' })),
  op: Type.String({ description: 'The comparison.' }),
  passed: Type.Boolean({ description: 'Whether the person meets it.' }),
  actual: factValue('The fact\'s value for the person on the as-of date; null when it has none.'),
  expected: Type.Union([Type.Integer(), Type.Boolean(), Type.String(), Type.Array(Type.Union([Type.Integer(), Type.String()]))], { description: 'The value the rule compares with.' }),
}, { $id: 'Criterion', additionalProperties: false, description: 'One criterion of a decision.' })

export const Explanation = Type.Object({
  kind: Type.Enum(['all', 'any', 'not', 'criterion'], { type: 'string', description: 'all: every node beneath must hold; any: at least one; not: the node beneath must fail; criterion: one comparison.' }),
  id: Type.Optional(Type.String({ description: 'The node\'s id in the rule tree (always present on a criterion).' })),
  label: Type.Optional(Type.String({ description: 'What the node means, as the rule version words it.' })),
  passed: Type.Boolean({ description: 'Whether the node holds for the person.' }),
  children: Type.Optional(Type.Array(Type.Ref('Explanation'), { description: 'For a group: its nodes, in order.' })),
  fact: Type.Optional(Type.String({ description: 'For a criterion: the fact compared.' })),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]), { description: 'For a criterion: the fact\'s parameters.' })),
  op: Type.Optional(Type.String({ description: 'For a criterion: the comparison.' })),
  actual: Type.Optional(factValue('For a criterion: the fact\'s value for the person on the as-of date; null when it has none.')),
  expected: Type.Optional(Type.Union([Type.Integer(), Type.Boolean(), Type.String(), Type.Array(Type.Union([Type.Integer(), Type.String()]))], { description: 'For a criterion: the value compared with.' })),
}, { $id: 'Explanation', additionalProperties: false, description: 'A node of the decision\'s rule tree, with its result and the nodes beneath it.' })

export const Claim = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The claim: the id of its `service` event.' }),
  service: Type.String({ description: 'The service done, as the event records it (iud_insertion, sterilisation …).' }),
  date: calendarDate('The service date; the price list in force on it prices the claim.'),
}, { $id: 'Claim', additionalProperties: false, description: 'A claim for a free family-planning service: one service event.' })

export const Evaluation = Type.Object({
  eligible: Type.Boolean({ description: 'Whether the person qualifies on the as-of date.' }),
  programCode: Type.String({ description: 'The programme.' }),
  ruleVersion: Type.Integer({ description: 'The rule version applied (the active one).' }),
  personId: Type.String({ format: 'uuid', description: 'The person.' }),
  asOf: calendarDate('The date the facts were taken on.'),
  period: Type.String({ description: 'The period the amount is for: the year (2010), the date of a one-time award, or for a claim the claim\'s id (one payment per claim).' }),
  claim: Type.Union([Type.Ref('Claim'), Type.Null()], { description: 'The claim decided, for a programme decided per claim; null otherwise.' }),
  criteria: Type.Array(Type.Ref('Criterion'), { description: 'Every criterion, in order, with the person\'s value: first `lifetime` (the person lives in the period decided), then the rules\' own, and last, for a programme that pays, `owed` (something is owed for the period).' }),
  explanation: Type.Ref('Explanation', { description: 'The same decision as a tree: the rule version\'s groups (all, any, not) with their labels and results, and the criteria beneath them, so a reader sees which alternative held. Its root holds `lifetime`, the rules\' top-level nodes, and `owed`.' }),
  failedOn: Type.Union([Type.String(), Type.Null()], { description: 'When not eligible: the first top-level criterion the person fails (`lifetime` and `owed` included).' }),
  amount: Type.Union([Money('What the person is owed for the period.'), Type.Null()], { description: 'What the person is owed for the period; null when not eligible or when the programme pays per claim or not in money.' }),
  funding: Type.Array(Type.Object({
    source: Type.Enum([...FUND_SOURCES], { description: 'The fund.' }),
    amount: Money('Its share.'),
  }, { additionalProperties: false, description: 'One fund\'s share of the amount.' }), { description: 'The amount split over the funding sources; the shares add up to the amount exactly.' }),
}, { $id: 'Evaluation', additionalProperties: false, description: 'A decision with its explanation.' })

export const ScreeningRequest = Type.Object({
  regionCode: Type.String({ minLength: 1, maxLength: 64, description: 'The region screened, its subtree included.' }),
  year: Type.Integer({ minimum: 1980, maximum: 2200, description: 'The payment year. Facts are taken on 31 December of a past year, today in the current year.' }),
}, { $id: 'ScreeningRequest', additionalProperties: false, description: 'Screen a region for a programme.' })

export const SimulationRequest = Type.Object({
  ruleVersion: Type.Integer({ minimum: 1, description: 'The version simulated, usually a draft; compared with the active version.' }),
  regionCode: Type.String({ minLength: 1, maxLength: 64, description: 'The region, its subtree included.' }),
  year: Type.Integer({ minimum: 1980, maximum: 2200, description: 'The payment year, as for a screening.' }),
}, { $id: 'SimulationRequest', additionalProperties: false, description: 'What a rule version would change against the active one.' })

export const OUTCOMES = ['candidate', 'gain', 'loss', 'exit'] as const

export const OutcomeQuery = Type.Object({
  outcome: Type.Optional(Type.Enum([...OUTCOMES], { type: 'string', description: 'Only this outcome: candidate (screenings, reviews), gain or loss (simulations), exit (reviews).' })),
  ...pageQuery,
}, { additionalProperties: false })

export const OutcomeItem = Type.Object({
  personId: Type.String({ format: 'uuid', description: 'The person.' }),
  householdId: Type.String({ format: 'uuid', description: 'Their household.' }),
  regionCode: Type.String({ description: 'The household\'s region.' }),
  name: Type.String({ description: 'The name.' }),
  idNumber: Type.String({ description: 'The ID number, masked unless your role needs it whole.' }),
  claimId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'For a programme decided per claim: the claim (its service event) this line is for; null otherwise.' }),
  outcome: Type.Enum([...OUTCOMES], { type: 'string', description: 'candidate: qualifies and has no case of the programme yet; gain or loss: would qualify or stop qualifying under the simulated version; exit: a beneficiary who no longer qualifies (failedOn says why).' }),
  failedOn: Type.Union([Type.String(), Type.Null()], { description: 'For a loss: the criterion of the simulated version the person fails.' }),
  amount: Type.Union([Money('The amount for the year.'), Type.Null()], { description: 'For a candidate or a gain: the amount for the year; for a loss: the amount the active version pays. Null when not money.' }),
}, { $id: 'OutcomeItem', additionalProperties: false, description: 'A person a screening or simulation found.' })

export const OutcomePage = pageOf(Type.Ref('OutcomeItem'), 'OutcomePage', 'A page of the persons a screening or simulation found.')

export type EvaluationRequest = Static<typeof EvaluationRequest>
export type Evaluation = Omit<Static<typeof Evaluation>, 'claim'> & { claim: Static<typeof Claim> | null }
export type ScreeningRequest = Static<typeof ScreeningRequest>
export type SimulationRequest = Static<typeof SimulationRequest>
export type OutcomeItem = Static<typeof OutcomeItem>
