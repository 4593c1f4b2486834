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
export const parentSex = defineFieldProblem(422, 'parent_sex', (parent: 'mother' | 'father') =>
  parent === 'mother' ? 'A mother is a woman: the person named as mother is recorded as male.' : 'A father is a man: the person named as father is recorded as female.')
export const parentYounger = defineFieldProblem(422, 'parent_younger', (parent: 'mother' | 'father' | 'child') => parent === 'child'
  ? 'A person is born after their parents: a child of this person would be as old or older.'
  : `A ${parent} is born before their child: the person linked as ${parent} is not older.`)
export const parentCycle = defineFieldProblem(422, 'parent_cycle', (parent: 'mother' | 'father') =>
  `Nobody is their own ancestor: the person named as ${parent} is this person or descends from them.`)
export const duplicateIdNumber = defineProblem(422, 'duplicate_id_number', () => 'Two living members have the same ID number.')

// Dates of birth and death are personal data: details name the rule, not the dates.
export const dateInFuture = defineFieldProblem(422, 'date_in_future', (what: string) => `The ${what} is in the future.`)
export const deathBeforeBirth = defineFieldProblem(422, 'death_before_birth', () => 'The death date is before the birth date.')
export const eventFieldRequired = defineFieldProblem(422, 'event_field_required', (type: string, field: string) => `A ${type} event needs ${field}.`)
export const eventBeforeBirth = defineFieldProblem(422, 'event_before_birth', () => 'The date is before the person\'s birth.')
export const eventAfterDeath = defineFieldProblem(422, 'event_after_death', () => 'The date is after the person\'s death.')
export const sterilisationUnder18 = defineFieldProblem(422, 'sterilisation_under_18', () =>
  'The person was under 18 on that date; sterilisation is recorded for adults only.')
export const eventTypeMismatch = defineFieldProblem(422, 'event_type_mismatch', (type: string) => `A correction of a ${type} event is a ${type} event.`)

export const importEmpty = defineProblem(400, 'import_empty', () => 'The file is empty.')
export const importEncoding = defineProblem(400, 'import_encoding', (detail: string) => detail)
export const importMediaType = defineProblem(415, 'unsupported_media_type', () => 'Send the file as text/csv, application/x-ndjson or an .xlsx workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).')
