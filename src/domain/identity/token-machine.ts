import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from './acting.js'
import { defineMachine } from '../state/machine.js'
import { tokenNotFound } from './errors.js'
import { lockTokens } from './repo.js'

/**
 * A token's life: active until revoked. Administrators revoke any token of their
 * region; anyone may revoke their own. Any other token is not found, as if it did not
 * exist. Revocation time is real time, as token lifetimes are (see clock.ts).
 */
export const TOKEN = defineMachine({
  entity: 'api_token',
  table: 'api_tokens',
  steps: {
    revoke: { from: ['active'], to: 'revoked', role: (token, acting) => isOwn(token, acting) ? null : 'admin' },
  },
  lock: lockTokensFor,
  notFound: tokenNotFound,
  columns: () => ({ revoked_at: sql`now()` }),
})

function lockTokensFor (trx: Transaction<DB>, ids: readonly string[], acting: Acting) {
  return lockTokens(trx, ids, acting.scope, isAdministrator(acting) ? undefined : acting.actor.id ?? undefined)
}

function isAdministrator (acting: Acting): boolean {
  return acting.actor.kind === 'system' || acting.actor.roles.includes('admin')
}

function isOwn (token: { officer_id: string | null, partner_id: string | null }, acting: Acting): boolean {
  return acting.actor.id !== null && (token.officer_id === acting.actor.id || token.partner_id === acting.actor.id)
}
