import { formatFen } from '../money.js'
import type { RuleSet } from '../programs/versions.js'
import { amountFor, fundingFor } from './amounts.js'
import type { Claim } from './claims.js'
import { evaluateTree, type Criterion, type Explanation } from './evaluate.js'
import type { FactSources } from './fact-sources.js'
import { lifetimeCriterion, OWED, OWED_LABEL, paysMoney, withLifetime } from './guards.js'
import { PersonFacts } from './person-facts.js'
import type { Evaluation } from './schemas.js'

export type Decided = Omit<Evaluation, 'programCode' | 'ruleVersion' | 'personId'>

/**
 * One person (or one claim of theirs) against a rule set, in TypeScript: the decision,
 * its trace, and what is owed for the period. The lifetime criterion comes first, the
 * rule version's criteria next, and for a programme that pays, whether anything is owed.
 */
export function decide (ruleSet: RuleSet, sources: FactSources, asOf: string, claim?: Claim): Decided {
  const facts = new PersonFacts(sources, asOf)
  const lifetime = lifetimeCriterion(ruleSet.amounts.per)
  const onServiceDate = claim ? new PersonFacts(sources, claim.date) : facts
  const tree = evaluateTree(withLifetime(ruleSet.rules, lifetime),
    (leaf) => leaf === lifetime ? onServiceDate.get(leaf.fact) : facts.get(leaf.fact, leaf.params))
  const pays = paysMoney(ruleSet.amounts)
  const owedFen = pays ? amountFor(ruleSet.amounts, facts, sources.person, claim) : null
  const owed = !pays || (owedFen !== null && owedFen > 0)
  const owedCriterion: Criterion = { id: OWED, label: OWED_LABEL, fact: 'amount', op: '>', passed: owed, actual: owedFen === null ? null : formatFen(owedFen), expected: '0.00' }
  const criteria: Criterion[] = pays ? [...tree.criteria, owedCriterion] : tree.criteria
  const eligible = tree.passed && owed
  const root = tree.explanation as Extract<Explanation, { children: Explanation[] }>
  const amountFen = eligible ? owedFen : null
  const once = ruleSet.amounts.per === 'once'
  const year = asOf.slice(0, 4)
  return {
    eligible,
    asOf,
    period: claim ? claim.id : once ? asOf : year,
    claim: claim ?? null,
    criteria,
    explanation: {
      ...root, label: root.label ?? 'qualifies: every criterion below holds', passed: eligible,
      children: pays ? [...root.children, { kind: 'criterion', ...owedCriterion }] : root.children,
    },
    failedOn: tree.failedOn ?? (owed ? null : OWED),
    amount: amountFen === null ? null : formatFen(amountFen),
    funding: amountFen === null ? [] : fundingFor(ruleSet.funding, claim ? claim.date : once ? asOf : `${year}-01-01`, amountFen)
      .map((part) => ({ source: part.source as Evaluation['funding'][number]['source'], amount: formatFen(part.fen) })),
  }
}
