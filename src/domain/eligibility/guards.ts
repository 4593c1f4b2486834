import type { AmountSettings } from './amounts.js'
import { topLevel } from './evaluate.js'
import { LIFETIME, OWED, type RuleLeaf, type RuleNode } from './rule-tree.js'

export { LIFETIME, OWED }

/**
 * The evaluator's own criteria, around every rule version's tree (DESIGN §3): first,
 * nobody qualifies for anything outside their own life; last, a programme with amounts
 * qualifies nobody for a period in which nothing is owed. Both evaluators apply them
 * and name them in a decision like any other criterion; a rule may not use their ids
 * (checkRuleTree refuses them).
 */

/**
 * The person lives in the period decided: during the year up to the as-of date for
 * yearly and monthly amounts (so the year of death is paid, the months up to the death
 * month), on the as-of date for a one-time award or a non-cash entitlement, and on the
 * service date for a claim.
 */
export function lifetimeCriterion (per: AmountSettings['per']): RuleLeaf {
  if (per === 'year' || per === 'month') {
    return { id: LIFETIME, label: 'living during the year: born by the as-of date, not dead before 1 January', fact: 'livingInYear', op: '=', value: true }
  }
  const label = per === 'claim' ? 'living on the service date' : 'living on the as-of date'
  return { id: LIFETIME, label, fact: 'alive', op: '=', value: true }
}

/** A rule version's tree with the lifetime criterion in front; its own top-level criteria keep their names. */
export function withLifetime (rules: RuleNode, lifetime: RuleLeaf): RuleNode {
  return { all: [lifetime, ...topLevel(rules)] }
}

/** Whether the programme pays money, and so needs something owed for the period. */
export function paysMoney (amounts: AmountSettings): boolean {
  return amounts.per !== 'none'
}

export const OWED_LABEL = 'something is owed for the period'
