import Type, { type Static } from 'typebox'
import { Money } from '../money.js'
import { FUND_SOURCES } from '../programs/schemas.js'
import { regionCode } from '../regions/schemas.js'

const Source = Type.Enum([...FUND_SOURCES], { type: 'string', description: 'A funding source.' })
const count = (description: string) => Type.Integer({ minimum: 0, description })

export const ProgramSummary = Type.Object({
  programCode: Type.String({ description: 'The programme.' }),
  programName: Type.String({ description: 'Its name.' }),
  beneficiaries: Type.Object({
    active: count('Beneficiaries active at the year\'s end (today, for the current year).'),
    newThisYear: count('Cases that became active in the year.'),
    cumulative: count('Cases ever active, up to the year\'s end.'),
    lateConfirmations: Type.Record(Type.String(), Type.Integer(), { description: 'Of the year\'s new beneficiaries, those registered in an earlier year, by the year registered (补报确认).' }),
  }, { additionalProperties: false, description: 'Who benefits.' }),
  paidThisYear: Type.Object({ count: count('Payments settled paid in the year.'), amount: Money('Their total.') }, { additionalProperties: false, description: 'Paid in the year.' }),
  paidCumulative: Type.Object({
    count: count('Payments settled paid up to the year\'s end.'),
    people: count('The people paid so far: distinct persons with a payment settled paid up to the year\'s end (a person paid for two years is one person, two payments).'),
    amount: Money('Their total.'),
  }, { additionalProperties: false, description: 'Paid so far.' }),
  bySource: Type.Array(Type.Object({ source: Source, amount: Money('The source\'s share of the year\'s paid amount.') }, { additionalProperties: false, description: 'One source\'s share.' }), {
    description: 'The year\'s paid amount by funding source; the shares add up to paidThisYear.amount.',
  }),
  pending: Type.Record(Type.String(), Type.Integer(), { description: 'Open cases now, by state (registered, village_notice …).' }),
}, { $id: 'ProgramReport', additionalProperties: false, description: 'One programme\'s figures for a year and a region.' })

export const Summary = Type.Object({
  year: Type.Integer({ description: 'The year.' }),
  regionCode: regionCode('The region, its subtree included.'),
  regionName: Type.String({ description: 'Its name.' }),
  asOf: Type.String({ format: 'date', description: 'The date the figures are read on: 31 December, or today in the current year.' }),
  programs: Type.Array(Type.Ref('ProgramReport'), { description: 'Every programme of the catalogue, in code order.' }),
  allocations: Type.Array(Type.Object({
    programCode: Type.String({ description: 'The programme funded.' }),
    source: Source,
    amount: Money('What the source gives for the year.'),
    spent: Money('What approved batches spent of it.'),
    remaining: Money('What is left.'),
  }, { additionalProperties: false, description: 'One allocation of the year.' }), { description: 'The year\'s fund allocations of the budget the region draws on.' }),
}, { $id: 'Summary', additionalProperties: false, description: 'The figures of a region\'s year (DESIGN §6, Reports).' })

export const Narrative = Type.Object({
  year: Type.Integer({ description: 'The year.' }),
  regionCode: regionCode('The region.'),
  sentences: Type.Array(Type.String(), { description: 'The report\'s sentences, in Chinese, each computed from the summary\'s figures.' }),
  text: Type.String({ description: 'The sentences as one paragraph per programme.' }),
}, { $id: 'Narrative', additionalProperties: false, description: 'What a district writes in its annual report, from the data.' })

export const ReportQuery = Type.Object({
  year: Type.Integer({ minimum: 1980, maximum: 2200, description: 'The year reported.' }),
  region: Type.Optional(regionCode('The region reported, its subtree included; yours when omitted.')),
}, { additionalProperties: false })

export type ProgramReport = Static<typeof ProgramSummary>
export type Summary = Omit<Static<typeof Summary>, 'programs'> & { programs: ProgramReport[] }
export type Narrative = Static<typeof Narrative>
export type ReportQuery = Static<typeof ReportQuery>
