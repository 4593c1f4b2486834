import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/types.js'
import { daysAfter, type EventDraft, type HouseholdDraft, type MemberDraft } from './arbitraries.js'

/**
 * Generated households made into registry rows, for the agreement test: the links and
 * events a draft describes, resolved once, written into a village in an order of entry
 * (as recorded, or reversed), and cut back to what was true on a date.
 */

/** A member of the population: household and member index. */
export type Key = `${number}.${number}`

export interface PersonRow {
  key: Key
  hukouType: HouseholdDraft['hukouType']
  relationship: MemberDraft['relationship']
  sex: 'male' | 'female'
  birthDate: string
  deathDate: string | null
  mother: Key | null
  father: Key | null
  adopted: boolean
  disabilityGrade: number | null
  certified: boolean
}

export interface EventRow {
  /** Unique within the population. */
  name: string
  owner: Key
  type: EventDraft['type']
  date: string
  details: Record<string, unknown>
  /** The event this one corrects (supersedes), by name. */
  corrects: string | null
  entry: number
}

export interface Population {
  households: Array<{ hukouType: HouseholdDraft['hukouType'], members: Key[] }>
  persons: Map<Key, PersonRow>
  events: EventRow[]
}

/** Resolves the drafts: parents (born before their child), adoptions, corrections. */
export function resolve (drafts: HouseholdDraft[]): Population {
  const persons = new Map<Key, PersonRow>()
  const events: EventRow[] = []
  const placed: Key[] = []
  const households: Population['households'] = []
  drafts.forEach((household, h) => {
    const keys = household.members.map((_, m) => `${h}.${m}` as Key)
    const parent = (sex: string, bornBefore: string) => {
      const index = household.members.findIndex((member) => (member.relationship === 'head' || member.relationship === 'spouse') && member.sex === sex && member.birthDate < bornBefore)
      return index === -1 ? null : keys[index]!
    }
    household.members.forEach((member, m) => {
      const elsewhere = member.parentElsewhere !== null && placed.length > 0 ? persons.get(placed[member.parentElsewhere % placed.length]!)! : undefined
      const fromElsewhere = (sex: string) => elsewhere && elsewhere.sex === sex && elsewhere.birthDate < member.birthDate ? elsewhere.key : null
      const own = (sex: string) => member.linkToParents && member.relationship === 'child' ? parent(sex, member.birthDate) : null
      persons.set(keys[m]!, {
        key: keys[m]!,
        hukouType: household.hukouType,
        relationship: member.relationship,
        sex: member.sex,
        birthDate: member.birthDate,
        deathDate: member.diesAfterDays === null ? null : daysAfter(member.birthDate, member.diesAfterDays),
        mother: own('female') ?? fromElsewhere('female'),
        father: own('male') ?? fromElsewhere('male'),
        adopted: member.adopted,
        disabilityGrade: member.disabilityGrade,
        certified: member.certified,
      })
    })
    household.members.forEach((member, m) => {
      const key = keys[m]!
      const person = persons.get(key)!
      if (member.adoption) {
        const on = member.adoption.recordedOn === 'child' ? key : person.mother ?? person.father
        if (on) {
          events.push({
            name: `${key} adoption`, owner: on, type: 'adoption', date: daysAfter(member.birthDate, member.adoption.daysAfterBirth),
            details: on === key ? {} : { childId: key }, corrects: null, entry: member.adoption.entry,
          })
        }
      }
      const corrected = new Set<number>()
      member.events.forEach((draft, index) => {
        const candidates = member.events.slice(0, index).map((earlier, at) => ({ earlier, at }))
          .filter(({ earlier, at }) => earlier.type === draft.type && !corrected.has(at))
        const target = draft.corrects === null || candidates.length === 0 ? undefined : candidates[draft.corrects % candidates.length]!.at
        if (target !== undefined) corrected.add(target)
        events.push({
          name: `${key} ${index}`,
          owner: key,
          type: draft.type,
          date: draft.date,
          details: draft.type === 'exam_result' ? { exam: 'gaokao', tier: draft.tier }
            : draft.type === 'disability_assessment' ? { grade: draft.grade, ...(draft.certified ? { certificate: '残' } : {}) }
              : draft.type === 'service' ? { service: draft.service }
                : {},
          corrects: target === undefined ? null : `${key} ${target}`,
          entry: draft.entry,
        })
      })
    })
    placed.push(...keys)
    households.push({ hukouType: household.hukouType, members: keys })
  })
  return { households, persons, events }
}

/** Events in an order of entry: by their entry key (or its reverse), each correction after what it corrects. */
function entryOrder (events: EventRow[], reversed: boolean): EventRow[] {
  const pending = [...events].sort((a, b) => reversed ? b.entry - a.entry : a.entry - b.entry)
  const entered = new Set<string>()
  const order: EventRow[] = []
  while (pending.length > 0) {
    const next = pending.findIndex((event) => event.corrects === null || entered.has(event.corrects))
    const [event] = pending.splice(next, 1)
    order.push(event!)
    entered.add(event!.name)
  }
  return order
}

export interface Inserted {
  /** Person ids by key. */
  persons: Map<Key, string>
  /** Event ids by name. */
  events: Map<string, string>
}

/**
 * Writes a population into a village, events in an order of entry, as the registry
 * records them: an assessment sets the person's current grade, whatever its date.
 */
export async function insertPopulation (db: Kysely<DB>, village: string, population: Population, order: 'as entered' | 'reversed' = 'as entered'): Promise<Inserted> {
  const ids = new Map<Key, string>([...population.persons.keys()].map((key) => [key, randomUUID()]))
  for (const household of population.households) {
    const { id: householdId } = await db.insertInto('households').values({ region_code: village, hukou_type: household.hukouType, address: '测试' })
      .returning('id').executeTakeFirstOrThrow()
    await db.insertInto('persons').values(household.members.map((key) => {
      const person = population.persons.get(key)!
      return {
        id: ids.get(key)!,
        household_id: householdId,
        name: '测试',
        id_number_cipher: Buffer.alloc(1),
        id_number_key: 'test',
        id_number_index: randomBytes(16),
        id_number_masked: '420102********0000',
        sex: person.sex,
        birth_date: person.birthDate,
        death_date: person.deathDate,
        relationship: person.relationship,
        mother_id: null,
        father_id: null,
        adopted: person.adopted,
        disability_grade: person.disabilityGrade,
        disability_certificate: person.certified ? '残' : null,
      }
    })).execute()
  }
  for (const person of population.persons.values()) {
    if (person.mother || person.father) {
      await db.updateTable('persons').set({ mother_id: person.mother && ids.get(person.mother)!, father_id: person.father && ids.get(person.father)! })
        .where('id', '=', ids.get(person.key)!).execute()
    }
  }
  const eventIds = new Map<string, string>()
  for (const event of entryOrder(population.events, order === 'reversed')) {
    const details = event.details.childId ? { childId: ids.get(event.details.childId as Key) } : event.details
    const { id } = await db.insertInto('person_events').values({
      person_id: ids.get(event.owner)!, type: event.type, date: event.date, details: JSON.stringify(details),
      supersedes_id: event.corrects === null ? null : eventIds.get(event.corrects)!,
    }).returning('id').executeTakeFirstOrThrow()
    eventIds.set(event.name, id)
    if (event.type === 'disability_assessment') {
      await db.updateTable('persons').set({ disability_grade: event.details.grade as number, disability_certificate: event.details.certificate ? '残' : null })
        .where('id', '=', ids.get(event.owner)!).execute()
    }
  }
  return { persons: ids, events: eventIds }
}

/** Events no correction supersedes. */
export function standing (population: Population): EventRow[] {
  const corrected = new Set(population.events.map((event) => event.corrects).filter((name) => name !== null))
  return population.events.filter((event) => !corrected.has(event.name))
}

/**
 * What the registry held on a date, with every correction applied: the standing events
 * dated on or before it, deaths on or before it, and a child linked to its parents only
 * once born and, if adopted, once the adoption is dated (DESIGN §3). A disability
 * registered without a date is dropped for persons whose assessments are on record.
 */
export function asItWasOn (population: Population, date: string): Population {
  const live = standing(population)
  const adoptedOn = (person: PersonRow) => live
    .filter((event) => event.type === 'adoption' && (
      (event.details.childId === person.key && (event.owner === person.mother || event.owner === person.father))
      || (event.owner === person.key && event.details.childId === undefined && person.adopted)))
    .reduce<string | null>((first, event) => first === null || event.date < first ? event.date : first, null)
  const assessed = new Set(live.filter((event) => event.type === 'disability_assessment').map((event) => event.owner))
  const persons = new Map<Key, PersonRow>()
  for (const [key, person] of population.persons) {
    const adopted = adoptedOn(person)
    const child = person.birthDate <= date && (adopted === null || adopted <= date)
    persons.set(key, {
      ...person,
      deathDate: person.deathDate !== null && person.deathDate <= date ? person.deathDate : null,
      mother: child ? person.mother : null,
      father: child ? person.father : null,
      disabilityGrade: assessed.has(key) ? null : person.disabilityGrade,
      certified: assessed.has(key) ? false : person.certified,
    })
  }
  const kept = live.filter((event) => event.date <= date).map((event) => ({ ...event, corrects: null }))
  return { households: population.households, persons, events: kept }
}
