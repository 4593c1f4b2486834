import type { EventRecord, PersonRecord } from './fact-sources.js'

/**
 * The dated history as DESIGN §3 reads it, in TypeScript: when a person lives, from
 * when a child counts for its parents, and what disability a child has on a date. The
 * dates decide, never the order in which events were entered. sql-history.ts says the
 * same in SQL; the agreement test holds the two together.
 */

/** Living on a date: born on or before it, and no death on or before it. */
export function livingOn (person: Pick<PersonRecord, 'birthDate' | 'deathDate'>, date: string): boolean {
  return person.birthDate <= date && (person.deathDate === null || person.deathDate > date)
}

/** Died on or before a date. */
export function diedBy (person: Pick<PersonRecord, 'deathDate'>, date: string): boolean {
  return person.deathDate !== null && person.deathDate <= date
}

/**
 * The date of a child's adoption: the earliest `adoption` event naming the child
 * (childId) on the child's recorded mother or father, or recorded on the child itself
 * without a childId when the child is marked adopted. Null when none is on record.
 */
export function adoptionDate (child: PersonRecord, events: readonly EventRecord[]): string | null {
  let first: string | null = null
  for (const event of events) {
    if (event.type !== 'adoption') continue
    const named = event.details.childId
    const onParent = named === child.id && (event.personId === child.motherId || event.personId === child.fatherId)
    const onChild = event.personId === child.id && (named === undefined || named === null) && child.adopted
    if ((onParent || onChild) && (first === null || event.date < first)) first = event.date
  }
  return first
}

/** A child counts for its parents from its birth, an adopted child from its adoption. */
export function countsOn (child: PersonRecord, events: readonly EventRecord[], date: string): boolean {
  if (child.birthDate > date) return false
  const adopted = adoptionDate(child, events)
  return adopted === null || adopted <= date
}

/** Marked adopted, or with an adoption on record. */
export function isAdopted (child: PersonRecord, events: readonly EventRecord[]): boolean {
  return child.adopted || adoptionDate(child, events) !== null
}

export interface Disability { grade: number, certified: boolean }

const gradeOf = (event: EventRecord) => Number(event.details.grade)
const certifiedBy = (event: EventRecord) => event.details.certificate !== undefined && event.details.certificate !== null

/**
 * A person's disability on a date: the latest-dated assessment on or before it (on one
 * date, the most severe grade, then one with a certificate); grade 0 before the first.
 * A person with no assessment on record keeps the grade registered with them.
 */
export function disabilityOn (person: PersonRecord, events: readonly EventRecord[], date: string): Disability {
  const assessments = events.filter((event) => event.type === 'disability_assessment' && event.personId === person.id)
  if (assessments.length === 0) return { grade: person.disabilityGrade ?? 0, certified: person.disabilityCertified }
  const inForce = assessments.filter((event) => event.date <= date).sort((a, b) =>
    b.date.localeCompare(a.date) || gradeOf(a) - gradeOf(b) || Number(certifiedBy(b)) - Number(certifiedBy(a)))[0]
  return inForce ? { grade: gradeOf(inForce), certified: certifiedBy(inForce) } : { grade: 0, certified: false }
}

/**
 * The months of a year in which a person lives, as known on the as-of date: from the
 * month of birth to the month of death, both included. [13, 0] when none.
 */
export function livingMonths (person: Pick<PersonRecord, 'birthDate' | 'deathDate'>, year: number, asOf: string): [first: number, last: number] {
  const born = Number(person.birthDate.slice(0, 4))
  const first = born < year ? 1 : born === year ? Number(person.birthDate.slice(5, 7)) : 13
  const death = person.deathDate !== null && person.deathDate <= asOf ? person.deathDate : null
  const died = death === null ? Infinity : Number(death.slice(0, 4))
  const last = died > year ? 12 : died === year ? Number(death!.slice(5, 7)) : 0
  return [first, last]
}
