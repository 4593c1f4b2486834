import fc from 'fast-check'
import type { AmountSettings } from '../../src/domain/eligibility/amounts.js'
import { WINDOW_START_FACTS } from '../../src/domain/eligibility/amounts.js'
import { FACTS, OPERATORS, type FactDefinition, type FactName, type Operator } from '../../src/domain/eligibility/facts.js'
import type { RuleNode } from '../../src/domain/eligibility/rule-tree.js'

/**
 * Generators for the agreement test: small populations of households with every
 * kind of member, links across households, deaths, disabilities and events (some
 * superseded), and rule trees over the whole fact vocabulary.
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

export interface MemberDraft {
  relationship: 'head' | 'spouse' | 'child' | 'parent' | 'other'
  sex: 'male' | 'female'
  birthDate: string
  /** Days after birth, or null for living. */
  diesAfterDays: number | null
  adopted: boolean
  disabilityGrade: number | null
  certified: boolean
  /** For children: link to the household's head and spouse as parents. */
  linkToParents: boolean
  /** Link to a member of an earlier household as mother or father, by index. */
  parentElsewhere: number | null
  events: Array<{ type: 'sterilisation' | 'only_child_certificate' | 'out_of_policy_birth' | 'exam_result', date: string, tier: number, supersedesPrevious: boolean }>
}

export interface HouseholdDraft {
  hukouType: 'agricultural' | 'rural_resident' | 'non_agricultural'
  members: MemberDraft[]
}

const event = fc.record({
  type: fc.constantFrom('sterilisation', 'only_child_certificate', 'out_of_policy_birth', 'exam_result') as fc.Arbitrary<MemberDraft['events'][number]['type']>,
  date: dateBetween('1960-01-01', '2024-12-31'),
  tier: fc.integer({ min: 0, max: 3 }),
  supersedesPrevious: fc.boolean(),
})

const member = (relationship: MemberDraft['relationship'], born: [string, string]) => fc.record({
  relationship: fc.constant(relationship),
  sex: fc.constantFrom('male', 'female') as fc.Arbitrary<'male' | 'female'>,
  birthDate: dateBetween(...born),
  diesAfterDays: fc.option(fc.integer({ min: 0, max: 80 * 365 }), { freq: 3 }),
  adopted: fc.boolean(),
  disabilityGrade: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
  certified: fc.boolean(),
  linkToParents: fc.boolean().map((flag) => flag || relationship === 'child'),
  parentElsewhere: fc.option(fc.nat({ max: 40 }), { freq: 2 }),
  events: fc.array(event, { maxLength: 3 }),
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
  per: fc.constantFrom('year', 'month', 'once') as fc.Arbitrary<'year' | 'month' | 'once'>,
  entries: fc.uniqueArray(dateBetween('1990-01-01', '2024-12-31'), { minLength: 1, maxLength: 3 }),
  tiers: fc.array(fc.array(fc.record({ when: fc.option(tree, { freq: 3 }), amountFen: fc.integer({ min: 0, max: 500_000 }) }), { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
  from: fc.option(fc.constantFrom(...WINDOW_START_FACTS), { freq: 2 }),
  untilAge: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 2 }),
}).map(({ per, entries, tiers, from, untilAge }) => ({
  per,
  schedule: [...entries].sort().map((date, index) => ({
    from: date,
    tiers: tiers[index]!.map((tier, tierIndex) => ({ amountFen: tier.amountFen, ...(tier.when ? { when: named(tier.when, `t${index}_${tierIndex}_`) } : {}) })),
  })),
  ...(per === 'month' && (from || untilAge !== null) ? { months: { ...(from ? { from } : {}), ...(untilAge !== null ? { untilAge } : {}) } } : {}),
}))
