import type { Kysely } from 'kysely'
import type { DB, RegionLevel } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'
import { duplicateIdNumber, householdHead } from './errors.js'
import { checkPersonFacts } from './people.js'
import type { HouseholdCreate, MemberCreate } from './schemas.js'

/**
 * The rules a new household meets, whether it comes in a request or a line of an
 * import file: one head, members whose facts can be true, no ID number twice, a
 * village or hamlet of the caller's region, parents the caller can see, children
 * linked to the head and spouse.
 */

/** Where households live. */
export const HOUSEHOLD_LEVELS: readonly RegionLevel[] = ['village', 'hamlet']

export function checkMembers (members: MemberCreate[], path: string, today: string): void {
  members.forEach((member, index) => checkPersonFacts(member, `${path}/${index}`, today))
  const living = livingMembers(members).map((member) => member.idNumber)
  if (living.some((idNumber, index) => living.indexOf(idNumber) !== index)) throw duplicateIdNumber()
}

/** The checks a household body must pass before the database is asked anything. */
export function checkHousehold (input: HouseholdCreate, path: string, today: string): void {
  const heads = input.members.filter((member) => member.relationship === 'head').length
  if (heads !== 1) throw householdHead(heads)
  checkMembers(input.members, `${path}/members`, today)
}

export function livingMembers<M extends { deathDate?: string | null }> (members: M[]): M[] {
  return members.filter((member) => !member.deathDate)
}

/** The parents members name by motherId / fatherId. */
export function namedParents (members: Array<{ motherId?: string | null, fatherId?: string | null }>): string[] {
  return [...new Set(members.flatMap((member) => [member.motherId, member.fatherId]).filter((id): id is string => typeof id === 'string'))]
}

/** Of these persons, the ones in the scope: parents must be persons the caller can see. */
export async function personsInScope (db: Kysely<DB>, ids: string[], scope: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('persons').innerJoin('households', 'households.id', 'persons.household_id')
    .select('persons.id').where('persons.id', 'in', ids).where(inSubtree('households.region_code', scope)).execute()
  return new Set(rows.map((row) => row.id))
}

/**
 * Children are linked to the head and spouse of their household, by sex, unless the
 * body names their parents. household holds the members already known, with their ids.
 */
export function linkChildren (members: MemberCreate[], household: Array<{ id: string, relationship: string, sex: string }>): MemberCreate[] {
  const parent = (sex: 'male' | 'female') =>
    household.find((person) => (person.relationship === 'head' || person.relationship === 'spouse') && person.sex === sex)?.id
  const mother = parent('female')
  const father = parent('male')
  return members.map((member) => member.relationship !== 'child'
    ? member
    : { ...member, motherId: member.motherId ?? mother, fatherId: member.fatherId ?? father })
}

/** The members of a request, with the ids they are about to get. */
export function withIds (members: MemberCreate[], ids: string[]) {
  return members.map((member, index) => ({ id: ids[index]!, relationship: member.relationship, sex: member.sex }))
}
