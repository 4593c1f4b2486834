import { sql, type RawBuilder } from 'kysely'
import { inSubtree } from '../regions/scope.js'
import { nameOf, topLevel } from './evaluate.js'
import type { FactValue } from './facts.js'
import type { RuleLeaf, RuleNode } from './rule-tree.js'
import { FactQuery, SQL_FACTS } from './sql-facts.js'

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

/** The criterion a person fails on, as evaluateTree's failedOn names it; null when none fails. */
export function compileFailedOn (q: FactQuery, tree: RuleNode): RawBuilder<string | null> {
  const cases = topLevel(tree).map((node) => sql`when not ${compileTree(q, node)} then ${nameOf(node)}`)
  return sql<string | null>`(case ${sql.join(cases, sql` `)} else null end)`
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

/**
 * One statement over a region's persons: `select p.id as person_id, <columns> from
 * persons p join households h … where <where>`. Everything is compiled against one
 * FactQuery, so each derived table a fact needs is joined once, whichever trees, tiers
 * or columns use it.
 */
export function compileSelection (query: EligibilityQuery, build: (q: FactQuery) => Selection): RawBuilder<{ person_id: string }> {
  const q = new FactQuery(query.asOf)
  const { where, columns = {} } = build(q)
  const extra = Object.entries(columns).map(([name, expression]) => sql`, ${expression} as ${sql.ref(name)}`)
  return sql<{ person_id: string }>`select p.id as person_id${sql.join(extra, sql``)}
    from persons p join households h on h.id = p.household_id ${q.joins}
   where ${inSubtree('h.region_code', query.regionCode)} and ${where}`
}

/** Everyone in a region for whom the tree holds. */
export function compileEligible (tree: RuleNode, query: EligibilityQuery, columns: (q: FactQuery) => Record<string, RawBuilder<unknown>> = () => ({})) {
  return compileSelection(query, (q) => ({ where: compileTree(q, tree), columns: columns(q) }))
}
