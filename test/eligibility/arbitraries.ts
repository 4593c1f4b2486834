import fc from 'fast-check'
import type { AmountSettings } from '../../src/domain/eligibility/amounts.js'
import { WINDOW_START_FACTS } from '../../src/domain/eligibility/amounts.js'
import { FACTS, OPERATORS, type FactDefinition, type FactName, type Operator } from '../../src/domain/eligibility/facts.js'
import type { RuleNode } from '../../src/domain/eligibility/rule-tree.js'
import { SERVICE_KINDS } from '../../src/domain/registry/schemas.js'

/**
 * Generators for the agreement test: small populations of households with every kind
 * of member, links within and across households, and dated histories written out of
 * order — births and adoptions on either side of the as-of dates, deaths before and
 * after them, disability assessments, certificates, births against policy,
 * sterilisations, exam results and services, some corrected by later entries dated
 * before or after what they correct, all entered in an order of their own — and rule
 * trees and amount schedules over the whole fact vocabulary.
 */

const DAY = 86_400_000
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY

function leapYearNear (year: number): number {
  const leap = year - (year % 4)
  return leap % 100 === 0 && leap % 400 !== 0 ? leap - 4 : leap
}

/** A calendar date, with the edges (1 January, 31 December, 29 February) drawn often. */
export function dateBetween (from: string, to: string): fc.Arbitrary<string> {
  const any = fc.integer({ min: dayOf(from), max: dayOf(to) }).map((day) => new Date(day * DAY).toISOString().slice(0, 10))
  const year = fc.integer({ min: Number(from.slice(0, 4)) + 1, max: Number(to.slice(0, 4)) - 1 })
  return fc.oneof(
    { weight: 6, arbitrary: any },
    { weight: 1, arbitrary: year.map((y) => `${y}-01-01`) },
    { weight: 1, arbitrary: year.map((y) => `${y}-12-31`) },
    { weight: 1, arbitrary: year.map((y) => `${leapYearNear(y)}-02-29`) },
  )
}

/** A date some days after another, as YYYY-MM-DD. */
export const daysAfter = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)

export const EVENT_TYPES = ['sterilisation', 'only_child_certificate', 'out_of_policy_birth', 'exam_result', 'disability_assessment', 'service', 'adoption'] as const

export interface EventDraft {
  type: (typeof EVENT_TYPES)[number]
  date: string
  /** exam_result: the tier (0–3). */
  tier: number
  /** disability_assessment: the grade (1–4) and whether it records a certificate. */
  grade: number
  certified: boolean
  /** service: what was done. */
  service: string
  /** A correction of one of the member's events listed before it, of the same type (by position among them), if any is left to correct. */
  corrects: number | null
  /** Where the event falls in the order of entry (0–1); a correction is entered after what it corrects. */
  entry: number
}

export interface MemberDraft {
  relationship: 'head' | 'spouse' | 'child' | 'parent' | 'other'
  sex: 'male' | 'female'
  birthDate: string
  /** Days after birth, or null for living. */
  diesAfterDays: number | null
  adopted: boolean
  disabilityGrade: number | null
  certified: boolean
  /** For children: link to the household's head and spouse as parents (those born before the child). */
  linkToParents: boolean
  /** Link to a member of an earlier household as mother or father, by index (when born before the child). */
  parentElsewhere: number | null
  /** An adoption of this person: its date (days after birth), recorded on the person or on a recorded parent naming them. */
  adoption: { daysAfterBirth: number, recordedOn: 'child' | 'parent', entry: number } | null
  events: EventDraft[]
}

export interface HouseholdDraft {
  hukouType: 'agricultural' | 'rural_resident' | 'non_agricultural'
  members: MemberDraft[]
}

const eventType = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EVENT_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom('disability_assessment', 'only_child_certificate', 'out_of_policy_birth', 'service', 'service') as fc.Arbitrary<EventDraft['type']> },
)

/** Services and exam results, decided within their year, fall in a few years, so that a year has several. */
const YEARLY: readonly string[] = ['service', 'exam_result']

const event: fc.Arbitrary<EventDraft> = eventType.chain((type) => fc.record({
  type: fc.constant(type),
  date: YEARLY.includes(type) ? dateBetween('2008-01-01', '2011-12-31') : dateBetween('1960-01-01', '2024-12-31'),
  tier: fc.integer({ min: 0, max: 3 }),
  grade: fc.integer({ min: 1, max: 4 }),
  certified: fc.boolean(),
  service: fc.constantFrom(...SERVICE_KINDS),
  corrects: fc.option(fc.nat({ max: 3 }), { freq: 3 }),
  entry: fc.double({ min: 0, max: 1, noNaN: true }),
}))

const member = (relationship: MemberDraft['relationship'], born: [string, string]) => fc.record({
  relationship: fc.constant(relationship),
  sex: fc.constantFrom('male', 'female') as fc.Arbitrary<'male' | 'female'>,
  birthDate: dateBetween(...born),
  diesAfterDays: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 80 * 365 }) }),
  adopted: fc.boolean(),
  disabilityGrade: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
  certified: fc.boolean(),
  linkToParents: fc.boolean().map((flag) => flag || relationship === 'child'),
  parentElsewhere: fc.option(fc.nat({ max: 40 }), { freq: 2 }),
  adoption: fc.oneof(
    { weight: relationship === 'child' ? 2 : 8, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.record({
        daysAfterBirth: fc.integer({ min: 0, max: 20 * 365 }),
        recordedOn: fc.constantFrom('child', 'parent') as fc.Arbitrary<'child' | 'parent'>,
        entry: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    },
  ),
  events: fc.array(event, { maxLength: 4 }),
})

export const householdDraft: fc.Arbitrary<HouseholdDraft> = fc.record({
  hukouType: fc.constantFrom('agricultural', 'rural_resident', 'non_agricultural') as fc.Arbitrary<HouseholdDraft['hukouType']>,
  head: member('head', ['1925-01-01', '1990-12-31']),
  spouse: fc.option(member('spouse', ['1925-01-01', '1990-12-31']), { freq: 4 }),
  parents: fc.array(member('parent', ['1900-01-01', '1960-12-31']), { maxLength: 2 }),
  children: fc.array(member('child', ['1945-01-01', '2020-12-31']), { maxLength: 4 }),
  others: fc.array(member('other', ['1930-01-01', '2020-12-31']), { maxLength: 1 }),
}).map(({ hukouType, head, spouse, parents, children, others }) => ({
  hukouType,
  members: [head, ...(spouse ? [spouse] : []), ...parents, ...children, ...others],
}))

export const population = fc.array(householdDraft, { minLength: 1, maxLength: 6 })

function valueOf (fact: FactDefinition): fc.Arbitrary<string | number | boolean> {
  switch (fact.type) {
    case 'number': return fc.oneof(fc.integer({ min: -1, max: 4 }), fc.integer({ min: 0, max: 100 }))
    case 'boolean': return fc.boolean()
    case 'date': return dateBetween('1925-01-01', '2024-12-31')
    case 'enum': return fc.constantFrom(...fact.values!)
  }
}

function paramsOf (fact: FactDefinition): fc.Arbitrary<Record<string, string | number> | undefined> {
  if (!fact.params) return fc.constant(undefined)
  if ('age' in fact.params) return fc.record({ age: fc.integer({ min: 0, max: 20 }) })
  return fc.tuple(dateBetween('1960-01-01', '2024-12-31'), dateBetween('1960-01-01', '2024-12-31'))
    .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }))
}

const FACT_NAMES = Object.keys(FACTS) as FactName[]

const leaf: fc.Arbitrary<RuleNode> = fc.constantFrom(...FACT_NAMES).chain((name) => {
  const fact: FactDefinition = FACTS[name]
  const ops = (Object.keys(OPERATORS) as Operator[]).filter((op) => (OPERATORS[op] as readonly string[]).includes(fact.type))
  return fc.record({
    op: fc.constantFrom(...ops),
    scalar: valueOf(fact),
    list: fc.array(valueOf(fact), { minLength: 1, maxLength: 3 }),
    params: paramsOf(fact),
  }).map(({ op, scalar, list, params }) => ({
    label: name, fact: name, op, value: op === 'in' || op === 'notIn' ? list : scalar, ...(params ? { params } : {}),
  }))
})

const { tree } = fc.letrec<{ tree: RuleNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('tree').map((not) => ({ not })),
  ),
}))

/** Gives every comparison of a tree a unique id, as a saved rule has. */
export function named (node: RuleNode, prefix = 'c', counter = { next: 0 }): RuleNode {
  if (node.all) return { all: node.all.map((child) => named(child, prefix, counter)) }
  if (node.any) return { any: node.any.map((child) => named(child, prefix, counter)) }
  if (node.not) return { not: named(node.not, prefix, counter) }
  return { ...node, id: `${prefix}${counter.next++}` }
}

export const ruleTree = tree.map((node) => named(node))

export const amountSettings: fc.Arbitrary<AmountSettings> = fc.record({
  per: fc.constantFrom('year', 'month', 'once', 'claim', 'none') as fc.Arbitrary<AmountSettings['per']>,
  entries: fc.uniqueArray(dateBetween('1990-01-01', '2024-12-31'), { minLength: 1, maxLength: 3 }),
  tiers: fc.array(fc.array(fc.record({
    when: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: tree }),
    amountFen: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 500_000 }) }, { weight: 1, arbitrary: fc.constant(0) }),
    service: fc.constantFrom(...SERVICE_KINDS),
  }), { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 3 }),
  from: fc.option(fc.constantFrom(...WINDOW_START_FACTS), { freq: 2 }),
  untilAge: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 2 }),
}).map(({ per, entries, tiers, from, untilAge }) => ({
  per,
  schedule: per === 'none'
    ? []
    : [...entries].sort().map((date, index) => ({
        from: date,
        tiers: tiers[index]!.map((tier, tierIndex) => ({
          amountFen: tier.amountFen,
          ...(tier.when ? { when: named(tier.when, `t${index}_${tierIndex}_`) } : {}),
          ...(per === 'claim' ? { service: tier.service } : {}),
        })),
      })),
  ...(per === 'month' && (from || untilAge !== null) ? { months: { ...(from ? { from } : {}), ...(untilAge !== null ? { untilAge } : {}) } } : {}),
}))

/** Every date a population's history names: births, deaths, adoptions, events. */
export function datesOf (drafts: HouseholdDraft[]): string[] {
  return drafts.flatMap((household) => household.members.flatMap((member) => [
    member.birthDate,
    ...(member.diesAfterDays === null ? [] : [daysAfter(member.birthDate, member.diesAfterDays)]),
    ...(member.adoption ? [daysAfter(member.birthDate, member.adoption.daysAfterBirth)] : []),
    ...member.events.map((event) => event.date),
  ]))
}

/**
 * As-of dates for a population: any date, or one at an edge of its history — the day
 * before, of or after a birth, death, adoption or event, or the end of its year — or
 * one in the year of a service or an exam result, so that claims and awards are decided.
 */
export function asOfDates (drafts: HouseholdDraft[], count: number): fc.Arbitrary<string[]> {
  const edges = datesOf(drafts).filter((date) => date >= '1985-01-01' && date <= '2025-12-31')
  const any = dateBetween('1985-01-01', '2025-12-31')
  const edge = edges.length === 0
    ? any
    : fc.tuple(fc.constantFrom(...edges), fc.constantFrom(-1, 0, 1, 'year end' as const))
      .map(([date, offset]) => offset === 'year end' ? `${date.slice(0, 4)}-12-31` : daysAfter(date, offset))
      .filter((date) => date >= '1985-01-01' && date <= '2025-12-31')
  const services = drafts.flatMap((household) => household.members.flatMap((member) => member.events))
    .filter((event) => YEARLY.includes(event.type) && event.date >= '1985-01-01').map((event) => event.date)
  const claimed = services.length === 0
    ? edge
    : fc.tuple(fc.constantFrom(...services), fc.constantFrom(0, 1, 'year end' as const))
      .map(([date, offset]) => offset === 'year end' ? `${date.slice(0, 4)}-12-31` : daysAfter(date, offset))
  return fc.array(fc.oneof(any, edge, claimed, claimed), { minLength: count, maxLength: count })
}
