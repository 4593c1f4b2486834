import type { FactValue, Operator } from './facts.js'
import { leavesOf, type RuleLeaf, type RuleNode } from './rule-tree.js'

/** One comparison of a decision, as an officer, an objector or a court reads it. */
export interface Criterion {
  id: string
  label: string
  fact: string
  params?: Record<string, string | number>
  op: Operator
  passed: boolean
  actual: FactValue
  expected: FactValue | FactValue[]
}

/** Reads a leaf's fact for the person being evaluated. */
export type FactReader = (leaf: RuleLeaf) => FactValue

/**
 * A comparison holds only when the fact has a value: a missing value (no
 * sterilisation, no certificate) fails every comparison, = and != alike, as SQL's
 * coalesce(… , false) does in the compiled statement.
 */
export function compare (actual: FactValue, op: Operator, expected: FactValue | FactValue[]): boolean {
  if (actual === null) return false
  switch (op) {
    case '=': return actual === expected
    case '!=': return actual !== expected
    case '<': return actual < (expected as number | string)
    case '<=': return actual <= (expected as number | string)
    case '>': return actual > (expected as number | string)
    case '>=': return actual >= (expected as number | string)
    case 'in': return (expected as FactValue[]).includes(actual)
    case 'notIn': return !(expected as FactValue[]).includes(actual)
  }
}

/**
 * The decision as the rule tree reads: each group (all, any, not) with its label and
 * result and its nodes beneath it, down to the criteria. An officer or an objector sees
 * which alternative of an `any` held, and which requirement of an `all` failed.
 */
export type Explanation =
  | { kind: 'all' | 'any' | 'not', id?: string, label?: string, passed: boolean, children: Explanation[] }
  | ({ kind: 'criterion' } & Criterion)

export interface Decision {
  passed: boolean
  criteria: Criterion[]
  explanation: Explanation
  /** When it fails: the criterion it fails on (see failedOn). */
  failedOn: string | null
}

/** Whether a tree passes; every comparison is evaluated once, so the trace is complete. */
export function evaluateTree (tree: RuleNode, read: FactReader): Decision {
  const criteria = new Map<RuleNode, Criterion>()
  for (const leaf of leavesOf(tree)) {
    const actual = read(leaf)
    criteria.set(leaf, {
      id: leaf.id,
      label: leaf.label,
      fact: leaf.fact,
      ...(leaf.params ? { params: leaf.params } : {}),
      op: leaf.op,
      passed: compare(actual, leaf.op, leaf.value),
      actual,
      expected: leaf.value,
    })
  }
  const passes = (node: RuleNode): boolean => {
    if (node.all) return node.all.every(passes)
    if (node.any) return node.any.some(passes)
    if (node.not) return !passes(node.not)
    return criteria.get(node)!.passed
  }
  const explain = (node: RuleNode): Explanation => {
    if (!node.all && !node.any && !node.not) return { kind: 'criterion', ...criteria.get(node)! }
    const kind = node.all ? 'all' : node.any ? 'any' : 'not'
    const children = node.all ?? node.any ?? [node.not!]
    return {
      kind, ...(node.id ? { id: node.id } : {}), ...(node.label ? { label: node.label } : {}), passed: passes(node), children: children.map(explain),
    }
  }
  const passed = passes(tree)
  return {
    passed,
    criteria: [...criteria.values()],
    explanation: explain(tree),
    failedOn: passed ? null : nameOf(topLevel(tree).find((node) => !passes(node))!),
  }
}

/**
 * The criteria a failing decision is named by: the nodes of a top-level `all` (the
 * first that fails is the one reported), or the whole tree otherwise.
 */
export function topLevel (tree: RuleNode): RuleNode[] {
  return tree.all ?? [tree]
}

/** A node's name in a refusal: its id, or its first comparison's id when it has none. */
export function nameOf (node: RuleNode): string {
  return node.id ?? leavesOf(node)[0]!.id
}
