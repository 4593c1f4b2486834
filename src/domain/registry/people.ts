import type { Insertable } from 'kysely'
import type { PersonsTable } from '../../db/types.js'
import type { Actor } from '../identity/actor.js'
import { dateInFuture, deathBeforeBirth } from './errors.js'
import { checkIdNumber, maskIdNumber } from './id-number.js'
import { maskName, type PiiVault } from './pii.js'
import type { PersonRow } from './repo.js'
import type { MemberCreate, Person } from './schemas.js'

/** Roles whose work needs the whole ID number: they check it against the card. */
const SEES_WHOLE_ID_NUMBER = new Set(['registrar', 'investigator'])

export function seesWholeIdNumber (actor: Actor): boolean {
  return actor.roles.some((role) => SEES_WHOLE_ID_NUMBER.has(role))
}

export function toPerson (row: Omit<PersonRow, 'region_code'>, vault: PiiVault, actor: Actor): Person {
  return {
    id: row.id,
    householdId: row.household_id,
    name: row.name,
    idNumber: seesWholeIdNumber(actor) ? vault.decrypt(row.id_number_cipher, row.id_number_key) : row.id_number_masked,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    relationship: row.relationship,
    motherId: row.mother_id,
    fatherId: row.father_id,
    adopted: row.adopted,
    disabilityGrade: row.disability_grade,
    disabilityCertificate: row.disability_certificate,
    version: row.version,
  }
}

/** The stored form of an ID number: encrypted, blind-indexed and masked. */
export function sealIdNumber (vault: PiiVault, idNumber: string, index = vault.blindIndex(idNumber)) {
  return {
    id_number_cipher: vault.encrypt(idNumber),
    id_number_key: vault.keyId,
    id_number_index: index,
    id_number_masked: maskIdNumber(idNumber),
  }
}

/**
 * Refuses facts about a person that cannot be true on the clock's date today; path
 * prefixes the field paths in the problem.
 */
export function checkPersonFacts (person: { idNumber: string, sex: 'male' | 'female', birthDate: string, deathDate?: string | null }, path: string, today: string): void {
  checkIdNumber(person.idNumber, person, `${path}/idNumber`)
  if (person.birthDate > today) throw dateInFuture(`${path}/birthDate`, 'birth date')
  if (person.deathDate) {
    if (person.deathDate < person.birthDate) throw deathBeforeBirth(`${path}/deathDate`)
    if (person.deathDate > today) throw dateInFuture(`${path}/deathDate`, 'death date')
  }
}

/**
 * The columns of a person row the registry writes, with their SQL types: the one list
 * every insert uses (a household, a new member, an import).
 */
export const PERSON_COLUMNS = {
  id: 'uuid',
  household_id: 'uuid',
  name: 'text',
  id_number_cipher: 'bytea',
  id_number_key: 'text',
  id_number_index: 'bytea',
  id_number_masked: 'text',
  sex: 'text',
  birth_date: 'date',
  death_date: 'date',
  relationship: 'text',
  mother_id: 'uuid',
  father_id: 'uuid',
  adopted: 'boolean',
  disability_grade: 'smallint',
  disability_certificate: 'text',
} as const satisfies Partial<Record<keyof PersonsTable, string>>

/** A person row to insert, every column of PERSON_COLUMNS given. */
export type PersonInsert = { [Column in keyof typeof PERSON_COLUMNS]: Exclude<Insertable<PersonsTable>[Column], undefined> }

/** A person row to insert; index is the ID number's blind index when the caller has it already. */
export function personValues (vault: PiiVault, id: string, householdId: string, member: MemberCreate, index?: Buffer): PersonInsert {
  return {
    id,
    household_id: householdId,
    name: member.name,
    ...sealIdNumber(vault, member.idNumber, index),
    sex: member.sex,
    birth_date: member.birthDate,
    death_date: member.deathDate ?? null,
    relationship: member.relationship,
    mother_id: member.motherId ?? null,
    father_id: member.fatherId ?? null,
    adopted: member.adopted ?? false,
    disability_grade: member.disabilityGrade ?? null,
    disability_certificate: member.disabilityCertificate ?? null,
  }
}

/** What an audit row may say about a person: names and ID numbers masked. */
export function auditedPerson (row: { id: string, name: string, id_number_masked: string, sex: string, birth_date: string, death_date: string | null, relationship: string }) {
  return {
    id: row.id,
    name: maskName(row.name),
    idNumber: row.id_number_masked,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    relationship: row.relationship,
  }
}
