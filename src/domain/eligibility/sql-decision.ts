import { sql, type RawBuilder } from 'kysely'
import type { RuleSet } from '../programs/versions.js'
import { compileAmount } from './amounts.js'
import { compileFailedOn, compileSelection, compileTopLevel, compileTree, type EligibilityQuery } from './compile.js'
import { lifetimeCriterion, LIFETIME, OWED, paysMoney } from './guards.js'
import type { FactQuery } from './sql-facts.js'
import { livingOn } from './sql-history.js'
import { perClaim } from './claims.js'

/** A decision as SQL expressions over one row (a person, or a claim): decide() in the database. */
export interface CompiledDecision {
  eligible: RawBuilder<boolean>
  failedOn: RawBuilder<string | null>
  /** What is owed for the period, whether or not the row qualifies; null when not money. */
  amount: RawBuilder<number | null>
}

/**
 * A rule set's decision, compiled: the lifetime criterion, the rule version's tree,
 * and for a programme that pays, something owed. The same criteria in the same order
 * as decide() in decision.ts, so failedOn names the same one.
 */
export function compileDecision (q: FactQuery, ruleSet: RuleSet): CompiledDecision {
  const per = ruleSet.amounts.per
  const lifetime = per !== 'claim'
    ? compileTree(q, lifetimeCriterion(per))
    : q.claims ? livingOn('p', sql`cl.date`) : sql<boolean>`false`
  const criteria = compileTopLevel(q, ruleSet.rules)
  const amount = compileAmount(q, ruleSet.amounts)
  const checks: Array<[string, RawBuilder<boolean>]> = [[LIFETIME, lifetime], ...criteria]
  if (paysMoney(ruleSet.amounts)) checks.push([OWED, sql<boolean>`coalesce(${amount} > 0, false)`])
  return {
    eligible: sql<boolean>`(${sql.join(checks.map(([, holds]) => holds), sql` and `)})`,
    failedOn: compileFailedOn(checks),
    amount,
  }
}

/**
 * Everyone in a region who qualifies under a rule set, with what they are owed
 * (amount_fen), one row per person, or per claim (claim_id) for a programme decided
 * per claim: the screening's statement.
 */
export function compileQualified (ruleSet: RuleSet, query: EligibilityQuery) {
  return compileSelection(query, (q) => {
    const decision = compileDecision(q, ruleSet)
    return { where: decision.eligible, columns: { amount_fen: decision.amount } }
  }, { claims: perClaim(ruleSet) })
}
