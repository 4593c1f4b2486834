import { defineProblem } from '../http/problem.js'

/**
 * The kinds of things the service keeps, by the name audit rows store (entity_type),
 * with the words a problem detail or a message uses for them.
 */
export const ENTITY_NAMES = {
  region: 'region',
  officer: 'officer',
  partner: 'partner',
  api_token: 'token',
  household: 'household',
  person: 'person',
  event: 'event',
  bank_account: 'bank account',
  program: 'programme',
  rule_version: 'rule version',
  job: 'job',
  clock: 'clock',
  case: 'case',
  objection: 'objection',
  notice: 'notice',
  batch: 'payment batch',
  payment: 'payment',
  verification: 'verification',
  fund_allocation: 'fund allocation',
} as const

export type EntityType = keyof typeof ENTITY_NAMES

/** The name of a kind of thing, as a sentence says it. */
export function nameOf (entity: EntityType): string {
  return ENTITY_NAMES[entity]
}

/** "a token", "an objection". */
export function withArticle (entity: EntityType): string {
  const name = nameOf(entity)
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`
}

/**
 * The 404 of a kind of thing: code <entity>_not_found, and a detail that does not tell
 * "elsewhere" from "nowhere". api_token answers token_not_found, as its name says.
 */
export function notFound (entity: EntityType) {
  const code = `${entity === 'api_token' ? 'token' : entity}_not_found`
  return defineProblem(404, code, (id: string) => `No ${nameOf(entity)} ${id} in your region.`)
}
