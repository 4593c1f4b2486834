import { ageOn } from '../registry/events.js'
import type { EventRecord, FactSources, PersonRecord } from './fact-sources.js'
import type { FactName, FactValue } from './facts.js'
import { countsOn, diedBy, disabilityOn, isAdopted, livingOn } from './history.js'

// The rows the facts are computed from, for callers that read both.
export { isCouple, loadFactSources, type EventRecord, type FactSources, type PersonRecord } from './fact-sources.js'

/**
 * The first evaluator's facts: each fact of the vocabulary computed in TypeScript from
 * the plain rows of fact-sources.ts, read as of a date through history.ts. The SQL
 * evaluator computes the same facts in the database (sql-facts.ts); the agreement test
 * holds them to the same answers.
 */

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
      case 'alive': return livingOn(person, asOf)
      case 'livingInYear': return person.birthDate <= asOf && (person.deathDate === null || person.deathDate >= `${year}-01-01`)
      case 'aliveAtYearStart': return person.deathDate === null || person.deathDate >= `${year}-01-01`
      case 'monthsUnderAgeInYear': return monthsBeforeAge(person, Number(params.age), year)
      case 'children': return this.#children().length
      case 'sons': return this.#children().filter(isMale).length
      case 'daughters': return this.#children().filter(isFemale).length
      case 'adoptedChildren': return this.#children().filter((child) => isAdopted(child, this.sources.events)).length
      case 'livingChildren': return this.#livingChildren().length
      case 'livingSons': return this.#livingChildren().filter(isMale).length
      case 'livingDaughters': return this.#livingChildren().filter(isFemale).length
      case 'deceasedChildren': return this.#children().filter((child) => diedBy(child, asOf)).length
      case 'onlyChildDisabilityGrade': return this.#onlyChildDisability()?.grade ?? 0
      case 'onlyChildDisabilityCertified': return this.#onlyChildDisability()?.certified ?? false
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
      case 'familyPlanningHousehold': return this.#coupleEvents('out_of_policy_birth').length === 0
      case 'daughtersOnlyHousehold': return daughtersOnly(this.#children())
      case 'onlyChildHousehold': return this.#children().length === 1 && this.#coupleEvents('only_child_certificate').length > 0
      case 'parentsChildren': return this.#siblings().length
      case 'parentsSons': return this.#siblings().filter(isMale).length
      case 'parentsDaughters': return this.#siblings().filter(isFemale).length
      case 'parentsOnlyChildCertificate': return this.#parentsEvents('only_child_certificate').length > 0
      case 'parentsOnlyChildCertificateDate': return earliest(this.#parentsEvents('only_child_certificate'))
      case 'parentsFamilyPlanningHousehold': return this.#parentsEvents('out_of_policy_birth').length === 0
      case 'parentsDaughtersOnlyHousehold': return daughtersOnly(this.#siblings())
      case 'parentsOnlyChildHousehold': return this.#siblings().length === 1 && this.#parentsEvents('only_child_certificate').length > 0
      case 'examTierInYear': {
        const tiers = this.#eventsOf([person.id], 'exam_result')
          .filter((event) => event.date >= `${year}-01-01`)
          .map((event) => Number(event.details.tier))
          .filter((tier) => tier >= 1)
        return tiers.length === 0 ? 0 : Math.min(...tiers)
      }
    }
  }

  /** The person's children on the as-of date. */
  #children (): PersonRecord[] {
    return this.sources.children.filter((child) => countsOn(child, this.sources.events, this.asOf))
  }

  #livingChildren (): PersonRecord[] {
    return this.#children().filter((child) => !diedBy(child, this.asOf))
  }

  #onlyChildDisability () {
    const children = this.#children()
    return children.length === 1 ? disabilityOn(children[0]!, this.sources.events, this.asOf) : undefined
  }

  /** The person is their recorded parents' child on the as-of date (born, and adopted by then if adopted); until then they have no parents. */
  #hasParents (): boolean {
    return countsOn(this.sources.person, this.sources.events, this.asOf)
  }

  /** The children of the person's parents on the as-of date. */
  #siblings (): PersonRecord[] {
    if (!this.#hasParents()) return []
    return this.sources.siblings.filter((sibling) => countsOn(sibling, this.sources.events, this.asOf))
  }

  /** Events of these persons of a type, dated on or before the as-of date. */
  #eventsOf (owners: string[], type: string): EventRecord[] {
    return this.sources.events.filter((event) => event.type === type && owners.includes(event.personId) && event.date <= this.asOf)
  }

  #coupleEvents (type: string): EventRecord[] {
    return this.#eventsOf([this.sources.person.id, ...this.sources.spouses.map((spouse) => spouse.id)], type)
  }

  #parentsEvents (type: string): EventRecord[] {
    if (!this.#hasParents()) return []
    const { motherId, fatherId } = this.sources.person
    return this.#eventsOf([motherId, fatherId].filter((id): id is string => id !== null), type)
  }
}

const isMale = (person: PersonRecord) => person.sex === 'male'
const isFemale = (person: PersonRecord) => person.sex === 'female'
const birthYear = (person: { birthDate: string }) => Number(person.birthDate.slice(0, 4))

/** One or two children, all daughters. */
const daughtersOnly = (children: PersonRecord[]) => (children.length === 1 || children.length === 2) && children.every(isFemale)

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
