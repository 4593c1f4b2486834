import { defineFieldProblem, defineProblem } from '../../http/problem.js'
import { notFound } from '../entities.js'

export const householdNotFound = notFound('household')
export const personNotFound = notFound('person')
export const eventNotFound = defineProblem(404, 'event_not_found', (personId: string, eventId: string) => `Person ${personId} has no event ${eventId}.`)
export const bankAccountNotFound = defineProblem(404, 'bank_account_not_found', (personId: string) => `Person ${personId} has no bank account on record.`)

export const personExists = defineProblem(409, 'person_exists', (where?: { personId: string, householdId: string } | 'elsewhere') =>
  `A living person with this ID number is already registered${where === undefined ? '.'
    : where === 'elsewhere' ? ' in another region.' : `: /v1/persons/${where.personId} in household ${where.householdId}.`}`)
export const eventSuperseded = defineProblem(409, 'event_superseded', (eventId: string, by: string) =>
  `Event ${eventId} was already corrected by ${by}; correct that one instead.`)

export const householdRegionLevel = defineProblem(422, 'household_region_level', (code: string, level: string) =>
  `Households are registered in a village or hamlet; ${code} is a ${level}.`)
export const householdHead = defineProblem(422, 'household_head', (heads: number | 'already') => heads === 'already'
  ? 'The household has a head already.'
  : `A household has exactly one head; this one has ${heads}.`)
export const duplicateIdNumber = defineProblem(422, 'duplicate_id_number', () => 'Two living members have the same ID number.')

export const dateInFuture = defineFieldProblem(422, 'date_in_future', (what: string, date: string) => `The ${what} ${date} is in the future.`)
export const deathBeforeBirth = defineFieldProblem(422, 'death_before_birth', (death: string, birth: string) =>
  `The death date ${death} is before the birth date ${birth}.`)
export const eventFieldRequired = defineFieldProblem(422, 'event_field_required', (type: string, field: string) => `A ${type} event needs ${field}.`)
export const eventBeforeBirth = defineFieldProblem(422, 'event_before_birth', (date: string, birth: string) =>
  `The date ${date} is before the person's birth on ${birth}.`)
export const eventAfterDeath = defineFieldProblem(422, 'event_after_death', (date: string, death: string) =>
  `The date ${date} is after the person's death on ${death}.`)
export const sterilisationUnder18 = defineFieldProblem(422, 'sterilisation_under_18', (age: number, date: string) =>
  `The person was ${age} on ${date}; sterilisation is recorded for adults only.`)
export const eventTypeMismatch = defineFieldProblem(422, 'event_type_mismatch', (type: string) => `A correction of a ${type} event is a ${type} event.`)

export const importEmpty = defineProblem(400, 'import_empty', () => 'The file is empty.')
export const importNotUtf8 = defineProblem(400, 'import_not_utf8', () => 'The file is not UTF-8 text.')
export const importMediaType = defineProblem(415, 'unsupported_media_type', () => 'Send the file as text/csv or application/x-ndjson.')
