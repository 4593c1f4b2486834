import { defineProblem, defineProblemFamily } from '../../http/problem.js'

export const programNotFound = defineProblem(404, 'program_not_found', (code: string) => `There is no programme ${code}.`)
export const ruleVersionNotFound = defineProblem(404, 'rule_version_not_found', (code: string, version: number | string) =>
  `Programme ${code} has no rule version ${version}.`)
export const noActiveVersion = defineProblem(409, 'no_active_version', (code: string) => `Programme ${code} has no active rule version.`)
export const districtScopeRequired = defineProblem(403, 'district_scope_required', () =>
  'Rule versions are written and activated by administrators of the whole district.')

/** What a rule version's checks can find wrong, each with the path of the bad node or field. */
export const RULE_VERSION_CODES = [
  'rule_invalid_node', 'rule_unknown_fact', 'rule_unknown_operator', 'rule_operator_not_for_fact', 'rule_value_type', 'rule_params',
  'rule_duplicate_id', 'rule_reserved_id', 'rule_too_large', 'amounts_schedule_order', 'amounts_tier_invalid', 'funding_order', 'funding_shares',
  'payment_frequency', 'workflow_steps',
] as const

export type RuleVersionCode = (typeof RULE_VERSION_CODES)[number]

export const ruleVersionInvalid = defineProblemFamily(422, RULE_VERSION_CODES)
