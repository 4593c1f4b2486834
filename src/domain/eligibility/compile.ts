import { sql, type RawBuilder } from 'kysely'
import { inSubtree } from '../regions/scope.js'
import { nameOf, topLevel } from './evaluate.js'
import type { FactValue } from './facts.js'
import type { RuleLeaf, RuleNode } from './rule-tree.js'
import { FactQuery, SQL_FACTS } from './sql-facts.js'
import { LIVE_EVENTS } from './sql-history.js'

const COMPARISONS = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const

function literal (leaf: RuleLeaf, value: FactValue): RawBuilder<unknown> {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? sql`${value}::date` : sql`${value}`
}

/**
 * One comparison in SQL. coalesce(…, false) makes a missing value fail, as the
 * TypeScript evaluator's compare does, so that `not` means the same on both sides.
 */
function compileLeaf (q: FactQuery, leaf: RuleLeaf): RawBuilder<boolean> {
  const fact = SQL_FACTS[leaf.fact](q, leaf.params ?? {})
  if (leaf.op === 'in' || leaf.op === 'notIn') {
    const values = sql.join((leaf.value as FactValue[]).map((value) => literal(leaf, value)))
    return sql<boolean>`coalesce(${fact} ${sql.raw(leaf.op === 'in' ? 'in' : 'not in')} (${values}), false)`
  }
  return sql<boolean>`coalesce(${fact} ${sql.raw(COMPARISONS[leaf.op])} ${literal(leaf, leaf.value as FactValue)}, false)`
}

/** A tree as one boolean SQL expression over `persons p join households h`. */
export function compileTree (q: FactQuery, node: RuleNode): RawBuilder<boolean> {
  if (node.all) return sql<boolean>`(${sql.join(node.all.map((child) => compileTree(q, child)), sql` and `)})`
  if (node.any) return sql<boolean>`(${sql.join(node.any.map((child) => compileTree(q, child)), sql` or `)})`
  if (node.not) return sql<boolean>`(not ${compileTree(q, node.not)})`
  return compileLeaf(q, node as RuleLeaf)
}

/** The names a failing decision is given, in order, with the expression each stands for. */
export function compileFailedOn (checks: Array<[name: string, holds: RawBuilder<boolean>]>): RawBuilder<string | null> {
  const cases = checks.map(([name, holds]) => sql`when not ${holds} then ${name}`)
  return sql<string | null>`(case ${sql.join(cases, sql` `)} else null end)`
}

/** A tree's top-level nodes with their names, as evaluateTree's failedOn reads them. */
export function compileTopLevel (q: FactQuery, tree: RuleNode): Array<[string, RawBuilder<boolean>]> {
  return topLevel(tree).map((node) => [nameOf(node), compileTree(q, node)])
}

export interface EligibilityQuery {
  /** The region whose households are screened, its subtree included. */
  regionCode: string
  asOf: string
}

/** What a statement selects: the persons for whom `where` holds, with extra columns. */
export interface Selection {
  where: RawBuilder<boolean>
  columns?: Record<string, RawBuilder<unknown>>
}

/** The standing service events of the as-of year, up to the as-of date: the claims a statement per claim has a row for. */
const CLAIMS = (q: FactQuery) => sql`(
  select e.id, e.person_id, e.date, e.details->>'service' as service from ${LIVE_EVENTS} e
   where e.type = 'service' and e.date between ${`${q.year}-01-01`}::date and ${q.date})`

/**
 * One statement over a region's persons: `select p.id as person_id, <columns> from
 * persons p join households h … where <where>`, or with `claims` one row per claim of
 * the year (`cl`, with claim_id). Everything is compiled against one FactQuery, so each
 * derived table a fact needs is joined once, whichever trees, tiers or columns use it.
 */
export function compileSelection (query: EligibilityQuery, build: (q: FactQuery) => Selection, options: { claims?: boolean } = {}): RawBuilder<{ person_id: string }> {
  const q = new FactQuery(query.asOf, options)
  const { where, columns = {} } = build(q)
  const extra = Object.entries(columns).map(([name, expression]) => sql`, ${expression} as ${sql.ref(name)}`)
  return sql<{ person_id: string }>`select p.id as person_id${q.claims ? sql`, cl.id as claim_id` : sql``}${sql.join(extra, sql``)}
    from persons p join households h on h.id = p.household_id ${q.claims ? sql`join ${CLAIMS(q)} cl on cl.person_id = p.id` : sql``} ${q.joins}
   where ${inSubtree('h.region_code', query.regionCode)} and ${where}`
}
