import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

/**
 * What the TypeScript evaluator reads of the registry for one person, as plain rows:
 * the person, their spouses, children and siblings, and the dated events of everyone
 * whose history bears on the person's facts.
 */

export interface PersonRecord {
  id: string
  householdId: string
  sex: 'male' | 'female'
  birthDate: string
  deathDate: string | null
  relationship: string
  motherId: string | null
  fatherId: string | null
  adopted: boolean
  /** The grade registered with the person, read only when no assessment is on record. */
  disabilityGrade: number | null
  disabilityCertified: boolean
}

export interface EventRecord {
  id: string
  personId: string
  type: string
  date: string
  details: Record<string, unknown>
}

export interface FactSources {
  person: PersonRecord & { hukouType: string, regionCode: string }
  /** Members of the person's household who form a couple with them. */
  spouses: PersonRecord[]
  /** Persons who name the person as mother or father, wherever they live. */
  children: PersonRecord[]
  /** Persons who name the person's mother or father as theirs, the person included. */
  siblings: PersonRecord[]
  /**
   * Events no later event supersedes, of the person, the spouses, the parents, the
   * children and siblings, and the children's and siblings' recorded parents.
   */
  events: EventRecord[]
}

/** Two members of one household are a couple as head and spouse, or as two parents of the head. */
export function isCouple (a: { relationship: string, sex: string }, b: { relationship: string, sex: string }): boolean {
  if (a.sex === b.sex) return false
  return (a.relationship === 'head' && b.relationship === 'spouse') || (a.relationship === 'spouse' && b.relationship === 'head')
    || (a.relationship === 'parent' && b.relationship === 'parent')
}

const PERSON_COLUMNS = [
  'p.id', 'p.household_id', 'p.sex', 'p.birth_date', 'p.death_date', 'p.relationship', 'p.mother_id', 'p.father_id', 'p.adopted',
  'p.disability_grade', 'p.disability_certificate',
] as const

type PersonColumns = { id: string, household_id: string, sex: 'male' | 'female', birth_date: string, death_date: string | null, relationship: string,
  mother_id: string | null, father_id: string | null, adopted: boolean, disability_grade: number | null, disability_certificate: string | null }

function toRecord (row: PersonColumns): PersonRecord {
  return {
    id: row.id,
    householdId: row.household_id,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    relationship: row.relationship,
    motherId: row.mother_id,
    fatherId: row.father_id,
    adopted: row.adopted,
    disabilityGrade: row.disability_grade,
    disabilityCertified: row.disability_certificate !== null,
  }
}

const isId = (id: string | null): id is string => id !== null

/** Reads what the facts of one person need; undefined when the person is not in the scope. */
export async function loadFactSources (db: Kysely<DB>, personId: string, scope: string): Promise<FactSources | undefined> {
  const row = await db.selectFrom('persons as p').innerJoin('households as h', 'h.id', 'p.household_id')
    .select([...PERSON_COLUMNS, 'h.hukou_type', 'h.region_code'])
    .where('p.id', '=', personId).where(inSubtree('h.region_code', scope))
    .executeTakeFirst()
  if (!row) return undefined
  const person = { ...toRecord(row), hukouType: row.hukou_type, regionCode: row.region_code }
  const persons = db.selectFrom('persons as p').select(PERSON_COLUMNS)
  const housemates = (await persons.where('p.household_id', '=', person.householdId).where('p.id', '<>', person.id).execute()).map(toRecord)
  const children = (await persons.where((eb) => eb.or([eb('p.mother_id', '=', person.id), eb('p.father_id', '=', person.id)])).execute()).map(toRecord)
  const parents = [person.motherId, person.fatherId].filter(isId)
  const siblings = parents.length === 0
    ? []
    : (await persons.where((eb) => eb.or([
        ...(person.motherId ? [eb('p.mother_id', '=', person.motherId)] : []),
        ...(person.fatherId ? [eb('p.father_id', '=', person.fatherId)] : []),
      ])).execute()).map(toRecord)
  const spouses = housemates.filter((other) => isCouple(person, other))
  const kin = [...children, ...siblings]
  const owners = [...new Set([person.id, ...spouses.map((spouse) => spouse.id), ...parents,
    ...kin.map((each) => each.id), ...kin.flatMap((each) => [each.motherId, each.fatherId]).filter(isId)])]
  const events = await db.selectFrom('person_events as e').select(['e.id', 'e.person_id', 'e.type', 'e.date', 'e.details'])
    .where('e.person_id', 'in', owners)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('person_events as s').select('s.id').whereRef('s.supersedes_id', '=', 'e.id'))))
    .execute()
  return {
    person,
    spouses,
    children,
    siblings,
    events: events.map((event) => ({ id: event.id, personId: event.person_id, type: event.type, date: event.date, details: event.details as Record<string, unknown> })),
  }
}
