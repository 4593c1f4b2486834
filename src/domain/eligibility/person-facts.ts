import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { ageOn } from '../registry/events.js'
import { inSubtree } from '../regions/scope.js'
import type { FactName, FactValue } from './facts.js'

/**
 * The first evaluator's facts: everything the registry holds that bears on one
 * person, read as plain rows, and each fact of the vocabulary computed from them in
 * TypeScript. The SQL evaluator computes the same facts in the database (sql-facts.ts);
 * the agreement test holds them to the same answers.
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
  disabilityGrade: number | null
  disabilityCertified: boolean
}

export interface EventRecord {
  id: string
  personId: string
  type: string
  date: string
  details: Record<string, unknown>
  supersedesId: string | null
}

export interface FactSources {
  person: PersonRecord & { hukouType: string, regionCode: string }
  /** Members of the person's household who form a couple with them. */
  spouses: PersonRecord[]
  /** Persons who name the person as mother or father, wherever they live. */
  children: PersonRecord[]
  /** Persons who name the person's mother or father as theirs, the person included. */
  siblings: PersonRecord[]
  /** Events of the person, the spouses and the parents that no later event supersedes. */
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
  const parents = [person.motherId, person.fatherId].filter((id): id is string => id !== null)
  const siblings = parents.length === 0
    ? []
    : (await persons.where((eb) => eb.or([
        ...(person.motherId ? [eb('p.mother_id', '=', person.motherId)] : []),
        ...(person.fatherId ? [eb('p.father_id', '=', person.fatherId)] : []),
      ])).execute()).map(toRecord)
  const spouses = housemates.filter((other) => isCouple(person, other))
  const owners = [person.id, ...spouses.map((spouse) => spouse.id), ...parents]
  const events = await db.selectFrom('person_events').select(['id', 'person_id', 'type', 'date', 'details', 'supersedes_id'])
    .where('person_id', 'in', owners).execute()
  const superseded = new Set(events.map((event) => event.supersedes_id).filter((id) => id !== null))
  return {
    person,
    spouses,
    children,
    siblings,
    events: events.filter((event) => !superseded.has(event.id)).map((event) => ({
      id: event.id, personId: event.person_id, type: event.type, date: event.date, details: event.details as Record<string, unknown>, supersedesId: event.supersedes_id,
    })),
  }
}

/** The facts of one person as of a date, computed on demand and remembered. */
export class PersonFacts {
  readonly #cache = new Map<string, FactValue>()
  readonly #year: number

  constructor (private readonly sources: FactSources, readonly asOf: string) {
    this.#year = Number(asOf.slice(0, 4))
  }

  get (fact: FactName, params: Record<string, string | number> = {}): FactValue {
    const key = `${fact}${JSON.stringify(params)}`
    if (!this.#cache.has(key)) this.#cache.set(key, this.#compute(fact, params))
    return this.#cache.get(key)!
  }

  #compute (fact: FactName, params: Record<string, string | number>): FactValue {
    const { person } = this.sources
    const year = this.#year
    const asOf = this.asOf
    switch (fact) {
      case 'age': return ageOn(person.birthDate, asOf)
      case 'ageAtYearStart': return ageOn(person.birthDate, `${year}-01-01`)
      case 'ageAtYearEnd': return year - birthYear(person)
      case 'birthDate': return person.birthDate
      case 'sex': return person.sex
      case 'relationship': return person.relationship
      case 'hukouType': return person.hukouType
      case 'rural': return person.hukouType === 'agricultural' || person.hukouType === 'rural_resident'
      case 'alive': return person.deathDate === null || person.deathDate > asOf
      case 'aliveAtYearStart': return person.deathDate === null || person.deathDate >= `${year}-01-01`
      case 'monthsUnderAgeInYear': return monthsBeforeAge(person, Number(params.age), year)
      case 'children': return this.#children().length
      case 'sons': return this.#children().filter(isMale).length
      case 'daughters': return this.#children().filter(isFemale).length
      case 'adoptedChildren': return this.#children().filter((child) => child.adopted).length
      case 'livingChildren': return this.#livingChildren().length
      case 'livingSons': return this.#livingChildren().filter(isMale).length
      case 'livingDaughters': return this.#livingChildren().filter(isFemale).length
      case 'deceasedChildren': return this.#children().filter((child) => !livingOn(child, asOf)).length
      case 'onlyChildDisabilityGrade': return this.#onlyChild()?.disabilityGrade ?? 0
      case 'onlyChildDisabilityCertified': return this.#onlyChild()?.disabilityCertified ?? false
      case 'womanAgeAtYearEnd': {
        if (person.sex === 'female') return year - birthYear(person)
        const wives = this.sources.spouses.filter(isFemale)
        return wives.length === 0 ? year - birthYear(person) : Math.max(...wives.map((wife) => year - birthYear(wife)))
      }
      case 'coupleOutOfPolicyBirths':
        return this.#coupleEvents('out_of_policy_birth').filter((event) => event.date >= String(params.from) && event.date <= String(params.to)).length
      case 'coupleSterilised': return this.#coupleEvents('sterilisation').length > 0
      case 'yearsSinceCoupleSterilisation': {
        const first = earliest(this.#coupleEvents('sterilisation'))
        return first === null ? null : ageOn(first, asOf)
      }
      case 'onlyChildCertificate': return this.#coupleEvents('only_child_certificate').length > 0
      case 'onlyChildCertificateDate': return earliest(this.#coupleEvents('only_child_certificate'))
      case 'parentsChildren': return this.#siblings().length
      case 'parentsSons': return this.#siblings().filter(isMale).length
      case 'parentsDaughters': return this.#siblings().filter(isFemale).length
      case 'parentsOnlyChildCertificate': return this.#parentsCertificates().length > 0
      case 'parentsOnlyChildCertificateDate': return earliest(this.#parentsCertificates())
      case 'examTierInYear': {
        const tiers = this.#eventsOf([person.id], 'exam_result')
          .filter((event) => event.date >= `${year}-01-01`)
          .map((event) => Number(event.details.tier))
          .filter((tier) => tier >= 1)
        return tiers.length === 0 ? 0 : Math.min(...tiers)
      }
    }
  }

  #children (): PersonRecord[] {
    return this.sources.children.filter((child) => child.birthDate <= this.asOf)
  }

  #livingChildren (): PersonRecord[] {
    return this.#children().filter((child) => livingOn(child, this.asOf))
  }

  #onlyChild (): PersonRecord | undefined {
    const children = this.#children()
    return children.length === 1 ? children[0] : undefined
  }

  #siblings (): PersonRecord[] {
    return this.sources.siblings.filter((sibling) => sibling.birthDate <= this.asOf)
  }

  /** Events of these persons of a type, dated on or before the as-of date. */
  #eventsOf (owners: string[], type: string): EventRecord[] {
    return this.sources.events.filter((event) => event.type === type && owners.includes(event.personId) && event.date <= this.asOf)
  }

  #coupleEvents (type: string): EventRecord[] {
    return this.#eventsOf([this.sources.person.id, ...this.sources.spouses.map((spouse) => spouse.id)], type)
  }

  #parentsCertificates (): EventRecord[] {
    const { motherId, fatherId } = this.sources.person
    return this.#eventsOf([motherId, fatherId].filter((id): id is string => id !== null), 'only_child_certificate')
  }
}

const isMale = (person: PersonRecord) => person.sex === 'male'
const isFemale = (person: PersonRecord) => person.sex === 'female'
const birthYear = (person: { birthDate: string }) => Number(person.birthDate.slice(0, 4))
const livingOn = (person: PersonRecord, date: string) => person.deathDate === null || person.deathDate > date

function earliest (events: EventRecord[]): string | null {
  return events.reduce<string | null>((first, event) => first === null || event.date < first ? event.date : first, null)
}

/** Months of a year before the month in which the person reaches an age. */
export function monthsBeforeAge (person: { birthDate: string }, age: number, year: number): number {
  const reachYear = birthYear(person) + age
  if (reachYear < year) return 0
  if (reachYear > year) return 12
  return Number(person.birthDate.slice(5, 7)) - 1
}

