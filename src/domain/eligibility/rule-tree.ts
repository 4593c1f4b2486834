import Type from 'typebox'
import { isCalendarDate } from '../registry/id-number.js'
import { FACTS, isFactName, isOperator, OPERATORS, type FactDefinition, type FactName, type FactValue, type Operator } from './facts.js'

/**
 * A predicate tree over facts: `all`, `any` and `not` nodes, and comparison leaves
 * `{ id, label, fact, op, value, params? }`. One object shape with exactly one of
 * all / any / not / fact, so that a bad node is named by its JSON path.
 */
export interface RuleNode {
  id?: string
  label?: string
  all?: RuleNode[]
  any?: RuleNode[]
  not?: RuleNode
  fact?: string
  op?: string
  value?: unknown
  params?: Record<string, unknown>
}

/** A leaf that passed checkRuleTree. */
export interface RuleLeaf {
  id: string
  label: string
  fact: FactName
  op: Operator
  value: FactValue | FactValue[]
  params?: Record<string, string | number>
}

export const RuleNodeSchema = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'A name for the criterion, unique in its tree; required on comparisons, shown in traces.' })),
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'What the criterion means, in words an officer or an objector reads; required on comparisons.' })),
  all: Type.Optional(Type.Array(Type.Ref('RuleNode'), { description: 'Passes when every node passes.' })),
  any: Type.Optional(Type.Array(Type.Ref('RuleNode'), { description: 'Passes when at least one node passes.' })),
  not: Type.Optional({ ...Type.Ref('RuleNode'), description: 'Passes when this node fails.' }),
  fact: Type.Optional(Type.String({ description: 'A comparison: the fact compared (see docs/eligibility.md for the vocabulary).' })),
  op: Type.Optional(Type.String({ description: 'A comparison\'s operator: =, !=, <, <=, >, >=, in, notIn.' })),
  value: Type.Optional(Type.Unknown({ description: 'A comparison\'s expected value, of the fact\'s type (an array for in and notIn).' })),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The fact\'s parameters, for facts that take them (a date range, an age).' })),
}, { $id: 'RuleNode', additionalProperties: false, description: 'A node of a rule tree: exactly one of all, any, not, or a comparison (fact, op, value).' })

/** The ids of the evaluator's own criteria (guards.ts), which a rule may not use. */
export const LIFETIME = 'lifetime'
export const OWED = 'owed'
const RESERVED_IDS: readonly string[] = [LIFETIME, OWED]

const MAX_NODES = 500
const MAX_DEPTH = 20

export interface TreeError { code: string, path: string, message: string }

/** Checks a tree against the vocabulary; answers every problem found, each with its path. */
export function checkRuleTree (tree: RuleNode, path: string): TreeError[] {
  const errors: TreeError[] = []
  const ids = new Set<string>()
  let nodes = 0
  const visit = (node: RuleNode, at: string, depth: number): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      if (nodes === MAX_NODES + 1 || depth === MAX_DEPTH + 1) errors.push({ code: 'rule_too_large', path: at, message: `A tree may hold at most ${MAX_NODES} nodes, ${MAX_DEPTH} deep.` })
      return
    }
    const kinds = (['all', 'any', 'not', 'fact'] as const).filter((kind) => node[kind] !== undefined)
    if (kinds.length !== 1) {
      errors.push({ code: 'rule_invalid_node', path: at, message: 'A node holds exactly one of all, any, not or fact.' })
      return
    }
    if (node.id !== undefined) {
      if (RESERVED_IDS.includes(node.id)) errors.push({ code: 'rule_reserved_id', path: `${at}/id`, message: `The id ${node.id} names the evaluator's own criterion; choose another.` })
      if (ids.has(node.id)) errors.push({ code: 'rule_duplicate_id', path: `${at}/id`, message: `The id ${node.id} is used twice in this tree.` })
      ids.add(node.id)
    }
    if (node.all || node.any) {
      const children = (node.all ?? node.any)!
      const kind = node.all ? 'all' : 'any'
      if (children.length === 0) errors.push({ code: 'rule_invalid_node', path: `${at}/${kind}`, message: `${kind} needs at least one node.` })
      children.forEach((child, index) => visit(child, `${at}/${kind}/${index}`, depth + 1))
      return
    }
    if (node.not) {
      visit(node.not, `${at}/not`, depth + 1)
      return
    }
    checkLeaf(node, at, errors)
  }
  visit(tree, path, 1)
  return errors
}

function checkLeaf (node: RuleNode, at: string, errors: TreeError[]): void {
  if (node.id === undefined) errors.push({ code: 'rule_invalid_node', path: at, message: 'A comparison needs an id.' })
  if (node.label === undefined) errors.push({ code: 'rule_invalid_node', path: at, message: 'A comparison needs a label.' })
  if (!isFactName(node.fact!)) {
    errors.push({ code: 'rule_unknown_fact', path: `${at}/fact`, message: `There is no fact ${node.fact}.` })
    return
  }
  const fact: FactDefinition = FACTS[node.fact]
  if (node.op === undefined || !isOperator(node.op)) {
    errors.push({ code: 'rule_unknown_operator', path: `${at}/op`, message: `There is no operator ${node.op ?? '(none)'}; use one of ${Object.keys(OPERATORS).join(', ')}.` })
    return
  }
  if (!(OPERATORS[node.op] as readonly string[]).includes(fact.type)) {
    errors.push({ code: 'rule_operator_not_for_fact', path: `${at}/op`, message: `${node.op} does not apply to ${node.fact}, a ${fact.type} fact.` })
    return
  }
  const list = node.op === 'in' || node.op === 'notIn'
  if (list) {
    if (!Array.isArray(node.value) || node.value.length === 0) {
      errors.push({ code: 'rule_value_type', path: `${at}/value`, message: `${node.op} takes a non-empty array of ${describe(fact)}.` })
    } else {
      node.value.forEach((value, index) => {
        if (!fitsFact(fact, value)) errors.push({ code: 'rule_value_type', path: `${at}/value/${index}`, message: `${node.fact} is compared with ${describe(fact)}.` })
      })
    }
  } else if (!fitsFact(fact, node.value)) {
    errors.push({ code: 'rule_value_type', path: `${at}/value`, message: `${node.fact} is compared with ${describe(fact)}.` })
  }
  checkParams(node, fact, at, errors)
}

function checkParams (node: RuleNode, fact: FactDefinition, at: string, errors: TreeError[]): void {
  const wanted = fact.params ?? {}
  const given = node.params ?? {}
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(wanted, name)) errors.push({ code: 'rule_params', path: `${at}/params/${name}`, message: `${node.fact} takes no parameter ${name}.` })
  }
  for (const [name, type] of Object.entries(wanted)) {
    const value = given[name]
    const fits = type === 'date' ? typeof value === 'string' && isCalendarDate(value) : Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 150
    if (!fits) errors.push({ code: 'rule_params', path: `${at}/params/${name}`, message: `${node.fact} needs ${name}, ${type === 'date' ? 'a date YYYY-MM-DD' : 'a whole number 0–150'}.` })
  }
  if (typeof given.from === 'string' && typeof given.to === 'string' && given.from > given.to) {
    errors.push({ code: 'rule_params', path: `${at}/params/to`, message: 'The range ends before it starts.' })
  }
}

function fitsFact (fact: FactDefinition, value: unknown): boolean {
  switch (fact.type) {
    case 'number': return Number.isSafeInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'date': return typeof value === 'string' && isCalendarDate(value)
    case 'enum': return typeof value === 'string' && fact.values!.includes(value)
  }
}

function describe (fact: FactDefinition): string {
  switch (fact.type) {
    case 'number': return 'a whole number'
    case 'boolean': return 'true or false'
    case 'date': return 'a date YYYY-MM-DD'
    case 'enum': return `one of ${fact.values!.join(', ')}`
  }
}

/** The comparisons of a tree, in reading order. */
export function leavesOf (tree: RuleNode): RuleLeaf[] {
  if (tree.all || tree.any) return (tree.all ?? tree.any)!.flatMap(leavesOf)
  if (tree.not) return leavesOf(tree.not)
  return [tree as RuleLeaf]
}
