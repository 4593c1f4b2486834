import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { pageOf, pageQuery } from '../../http/paging.js'
import { uuid } from '../identity/schemas.js'
import { Job } from '../jobs/schemas.js'
import { regionCode } from '../regions/schemas.js'

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description })

export const HukouType = Type.Enum(['agricultural', 'rural_resident', 'non_agricultural'], { description: 'Household registration type.' })
export const Sex = Type.Enum(['male', 'female'], { description: 'Sex, as the ID number states it.' })
export const Relationship = Type.Enum(['head', 'spouse', 'child', 'parent', 'other'], { description: 'Relationship to the head of the household.' })

const idNumber = Type.String({ minLength: 1, maxLength: 32, description: '18-character national ID number (GB 11643-1999), kept normalised: spaces around it trimmed, full-width characters and a lower-case x accepted, a 15-digit first-generation number converted.' })

const memberFields = {
  name: Type.String({ minLength: 1, maxLength: 50, description: 'Full name.' }),
  idNumber,
  sex: Sex,
  birthDate: calendarDate('Birth date; must agree with the ID number.'),
  relationship: Relationship,
  deathDate: Type.Optional(calendarDate('Date of death, if the person has died.')),
  motherId: Type.Optional(uuid('The mother\'s person record, in any household.')),
  fatherId: Type.Optional(uuid('The father\'s person record, in any household.')),
  adopted: Type.Optional(Type.Boolean({ description: 'For a child: legally adopted rather than born to the parents.' })),
  disabilityGrade: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'Disability grade 1 (most severe) to 4.' })),
  disabilityCertificate: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Number of the disability certificate.' })),
}

export const MemberCreate = Type.Object(memberFields, {
  $id: 'MemberCreate', additionalProperties: false, description: 'A person to register as a member of a household.',
})

export const Person = Type.Object({
  id: uuid('Person id.'),
  householdId: uuid('The household the person is a member of.'),
  name: Type.String({ description: 'Full name.' }),
  idNumber: Type.String({ description: 'ID number: whole for registrars and investigators, otherwise masked (first 6 and last 4).' }),
  sex: Sex,
  birthDate: calendarDate('Birth date.'),
  deathDate: nullable(calendarDate('Date of death.'), 'Date of death; null while living.'),
  relationship: Relationship,
  motherId: nullable(uuid('Mother.'), 'The mother\'s person record, if known.'),
  fatherId: nullable(uuid('Father.'), 'The father\'s person record, if known.'),
  adopted: Type.Boolean({ description: 'Legally adopted.' }),
  disabilityGrade: nullable(Type.Integer({ minimum: 1, maximum: 4 }), 'Disability grade 1–4, if assessed.'),
  disabilityCertificate: nullable(Type.String(), 'Disability certificate number.'),
  version: Type.Integer({ description: 'Changes with every update; the ETag carries it.' }),
}, { $id: 'Person', additionalProperties: false, description: 'A member of a household.' })

export const PersonPatch = Type.Object({
  name: Type.Optional(memberFields.name),
  idNumber: Type.Optional(idNumber),
  sex: Type.Optional(Sex),
  birthDate: Type.Optional(memberFields.birthDate),
  relationship: Type.Optional(Relationship),
  deathDate: Type.Optional(nullable(calendarDate('Date of death.'), 'Date of death; null to clear a mistaken one.')),
  motherId: Type.Optional(nullable(uuid('Mother.'), 'Mother; null to clear.')),
  fatherId: Type.Optional(nullable(uuid('Father.'), 'Father; null to clear.')),
  adopted: Type.Optional(Type.Boolean({ description: 'Legally adopted.' })),
  disabilityGrade: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 4 }), 'Disability grade; null to clear.')),
  disabilityCertificate: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 64 }), 'Certificate; null to clear.')),
}, { $id: 'PersonPatch', additionalProperties: false, minProperties: 1, description: 'Fields of a person to change.' })

export const Household = Type.Object({
  id: uuid('Household id.'),
  regionCode: regionCode('The village or hamlet.'),
  hukouType: HukouType,
  address: Type.String({ description: 'Address.' }),
  version: Type.Integer({ description: 'Changes with every update; the ETag carries it.' }),
  members: Type.Array(Type.Ref('Person'), { description: 'The members.' }),
}, { $id: 'Household', additionalProperties: false, description: 'A registered household and its members.' })

export const HouseholdCreate = Type.Object({
  regionCode: regionCode('The village or hamlet the household lives in; must be in your region.'),
  hukouType: HukouType,
  address: Type.String({ minLength: 1, maxLength: 200, description: 'Address.' }),
  members: Type.Array(Type.Ref('MemberCreate'), { minItems: 1, maxItems: 30, description: 'The members; exactly one is the head.' }),
}, { $id: 'HouseholdCreate', additionalProperties: false, description: 'A household to register, with its members.' })

export const HouseholdPatch = Type.Object({
  regionCode: Type.Optional(regionCode('Move the household to another village or hamlet of your region.')),
  hukouType: Type.Optional(HukouType),
  address: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Address.' })),
}, { $id: 'HouseholdPatch', additionalProperties: false, minProperties: 1, description: 'Fields of a household to change.' })

export const HouseholdPage = pageOf(Type.Ref('Household'), 'HouseholdPage', 'A page of households.')
export const PersonPage = pageOf(Type.Ref('Person'), 'PersonPage', 'Persons found.')

export const HouseholdListQuery = Type.Object({
  region: Type.Optional(regionCode('Only households of this region and its subtree.')),
  hukouType: Type.Optional(HukouType),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Only households with a member of exactly this name.' })),
  ...pageQuery,
}, { additionalProperties: false })

export const PersonLookupQuery = Type.Object({
  idNumber: Type.String({ minLength: 1, maxLength: 32, description: 'The whole ID number to look up, 18 or 15 digits, normalised as when recorded.' }),
}, { additionalProperties: false })

export type MemberCreate = Static<typeof MemberCreate>
export type Person = Static<typeof Person>
export type PersonPatch = Static<typeof PersonPatch>
export type Household = Omit<Static<typeof Household>, 'members'> & { members: Person[] }
export type HouseholdCreate = Omit<Static<typeof HouseholdCreate>, 'members'> & { members: MemberCreate[] }
export type HouseholdPatch = Static<typeof HouseholdPatch>

export const PERSON_EVENT_TYPES = ['sterilisation', 'only_child_certificate', 'out_of_policy_birth', 'adoption',
  'disability_assessment', 'exam_result', 'service', 'death'] as const
export const SERVICE_KINDS = ['iud_insertion', 'iud_removal', 'sterilisation', 'termination', 'complication_treatment', 'reversal'] as const

const eventFields = {
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only_child_certificate: the certificate number (required).' })),
  exam: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'exam_result: which exam, e.g. gaokao-2012 (required).' })),
  tier: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'exam_result: the tier passed, 1–3, or 0 for below every line (required).' })),
  grade: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'disability_assessment: grade 1–4 (required).' })),
  certificate: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'disability_assessment: the disability certificate number.' })),
  service: Type.Optional(Type.Enum([...SERVICE_KINDS], { description: 'service: what was done (required).' })),
  childId: Type.Optional(uuid('adoption and out_of_policy_birth: the child\'s person record, if registered.')),
  cause: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'death: the cause, if known.' })),
}

export const PersonEventCreate = Type.Object({
  type: Type.Enum([...PERSON_EVENT_TYPES], { description: 'What happened.' }),
  date: calendarDate('When it happened; not in the future, not before the person\'s birth.'),
  ...eventFields,
  supersedes: Type.Optional(uuid('The event this one corrects: same person, same type. The corrected event stays on record.')),
}, { $id: 'PersonEventCreate', additionalProperties: false, description: 'A dated family-planning fact about a person.' })

export const PersonEvent = Type.Object({
  id: uuid('Event id.'),
  personId: uuid('The person.'),
  type: Type.Enum([...PERSON_EVENT_TYPES], { description: 'What happened.' }),
  date: calendarDate('When it happened.'),
  ...eventFields,
  supersedesId: nullable(uuid('Corrected event.'), 'The event this one corrects.'),
  supersededById: nullable(uuid('Correcting event.'), 'The event that corrects this one; null while it stands.'),
  recordedAt: Type.String({ format: 'date-time', description: 'When it was recorded.' }),
}, { $id: 'PersonEvent', additionalProperties: false, description: 'A recorded fact about a person.' })

export const PersonEventList = Type.Object({
  items: Type.Array(Type.Ref('PersonEvent'), { description: 'All events of the person, oldest first, corrected ones included.' }),
  nextCursor: Type.Null({ description: 'Always null: a person\'s events come on one page.' }),
}, { $id: 'PersonEventList', additionalProperties: false, description: 'A person\'s events.' })

export const BankAccountSet = Type.Object({
  bankName: Type.String({ minLength: 1, maxLength: 100, description: 'Bank, e.g. 湖北省农村信用社.' }),
  branchCode: Type.String({ pattern: '^[0-9]{12}$', description: 'The branch\'s 12-digit CNAPS code (联行号).' }),
  accountNumber: Type.String({ pattern: '^[0-9]{6,32}$', description: 'Account or card number, digits only.' }),
  holderName: Type.String({ minLength: 1, maxLength: 50, description: 'Name of the account holder.' }),
}, { $id: 'BankAccountSet', additionalProperties: false, description: 'The account payments go to.' })

export const BankAccount = Type.Object({
  id: uuid('Account record id.'),
  personId: uuid('The person.'),
  bankName: Type.String({ description: 'Bank.' }),
  branchCode: Type.String({ description: 'CNAPS code of the branch.' }),
  accountNumber: Type.String({ description: 'Whole for finance officers and approvers, otherwise only the last four digits.' }),
  holderName: Type.String({ description: 'Account holder.' }),
  since: Type.String({ format: 'date-time', description: 'When this account became the active one.' }),
}, { $id: 'BankAccount', additionalProperties: false, description: 'A person\'s active bank account.' })

export type PersonEventCreate = Static<typeof PersonEventCreate>
export type PersonEvent = Static<typeof PersonEvent>
export type BankAccountSet = Static<typeof BankAccountSet>
export type BankAccount = Static<typeof BankAccount>

export const ImportResult = Type.Object({
  format: Type.Enum(['csv', 'ndjson', 'xlsx'], { description: 'The file\'s format, from its content type.' }),
  encoding: Type.Union([Type.Enum(['utf-8', 'gb18030']), Type.Null()], { description: 'The text encoding the file was read in: as its charset said, or UTF-8 if its bytes are UTF-8 and GB18030 (GBK) otherwise; null for a workbook, which says its own.' }),
  inserted: Type.Integer({ description: 'Persons inserted.' }),
  households: Type.Integer({ description: 'Households inserted.' }),
  skipped: Type.Integer({ description: 'Persons skipped because their household\'s living members are all registered already.' }),
  errors: Type.Array(Type.Object({
    row: Type.Integer({ description: 'The row (CSV, counted from 1 after the header) or line (NDJSON) at fault.' }),
    message: Type.String({ description: 'The column or field and the rule it breaks; never the value.' }),
  }, { additionalProperties: false }), { description: 'Rows refused, in row order.' }),
}, { $id: 'ImportResult', additionalProperties: false, description: 'The result of an import.households job.' })

export type ImportResult = Static<typeof ImportResult>

export const ImportJob = Type.Object({
  ...Job.properties,
  result: Type.Optional(Type.Ref('ImportResult', { description: 'What the import did; present once it succeeded.' })),
}, { $id: 'ImportJob', additionalProperties: false, description: 'An import.households job, and how far it is.' })
