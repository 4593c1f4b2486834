import type { Kysely } from 'kysely'
import type { DB, RegionLevel } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'
import { duplicateIdNumber, householdHead, parentSex, parentYounger } from './errors.js'
import { normaliseIdNumber } from './id-number.js'
import { checkPersonFacts } from './people.js'
import type { HouseholdCreate, MemberCreate } from './schemas.js'

/**
 * The rules a new household meets, whether it comes in a request or a line of an
 * import file: one head, members whose facts can be true, no ID number twice, a
 * village or hamlet of the caller's region, parents the caller can see, children
 * linked to the head and spouse, and parents who can be parents: a mother female, a
 * father male, each born before the child.
 */

/** Where households live. */
export const HOUSEHOLD_LEVELS: readonly RegionLevel[] = ['village', 'hamlet']

/** The members with their ID numbers in the form the registry keeps (normaliseIdNumber); path is the members' path. */
export function withNormalisedIdNumbers<M extends { idNumber: string }> (members: M[], path: string): M[] {
  return members.map((member, index) => ({ ...member, idNumber: normaliseIdNumber(member.idNumber, `${path}/${index}/idNumber`) }))
}

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

/** What the parentage rules need to know of a parent. */
export interface ParentFacts { sex: 'male' | 'female', birthDate: string }

/** Of these persons, the ones in the scope, with their sex and birth date: parents must be persons the caller can see. */
export async function personsInScope (db: Kysely<DB>, ids: string[], scope: string): Promise<Map<string, ParentFacts>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('persons').innerJoin('households', 'households.id', 'persons.household_id')
    .select(['persons.id', 'persons.sex', 'persons.birth_date'])
    .where('persons.id', 'in', ids).where(inSubtree('households.region_code', scope)).execute()
  return new Map(rows.map((row) => [row.id, { sex: row.sex, birthDate: row.birth_date }]))
}

/** The link fields, the sex each parent has, and the words a refusal uses. */
const PARENT_LINKS = [['motherId', 'female', 'mother'], ['fatherId', 'male', 'father']] as const

/**
 * A mother is female and a father male, each born before the child. parents holds the
 * facts of every parent a link may name; a link to a person not in it is left to the
 * check that the parent exists.
 */
export function checkParentage (
  child: { birthDate: string, motherId?: string | null, fatherId?: string | null }, parents: ReadonlyMap<string, ParentFacts>, path: string,
): void {
  for (const [field, sex, word] of PARENT_LINKS) {
    const id = child[field]
    const parent = id ? parents.get(id) : undefined
    if (!parent) continue
    if (parent.sex !== sex) throw parentSex(`${path}/${field}`, word)
    if (parent.birthDate >= child.birthDate) throw parentYounger(`${path}/${field}`, word)
  }
}

/**
 * The parentage rules over the members of a request as they will be linked: the
 * parents they name (known, with their facts) and those linkChildren gives them in
 * their household (household: its members with ids and facts, new ones included).
 */
export function checkFamily (
  members: MemberCreate[], household: Array<{ id: string, relationship: string } & ParentFacts>, known: ReadonlyMap<string, ParentFacts>,
  pathOf: (index: number) => string,
): void {
  const parents = new Map(known)
  for (const person of household) parents.set(person.id, { sex: person.sex, birthDate: person.birthDate })
  linkChildren(members, household).forEach((member, index) => checkParentage(member, parents, pathOf(index)))
}

/** Ids for the members of a request before they have them, for checkFamily. */
export function provisionalHousehold (members: MemberCreate[]) {
  return members.map((member, index) => ({ id: `new:${index}`, relationship: member.relationship, sex: member.sex, birthDate: member.birthDate }))
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
