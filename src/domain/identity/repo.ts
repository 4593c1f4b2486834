import { sql, type Kysely } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'
import type { TokenHolder } from './actor.js'
import type { Role } from './roles.js'

export interface TokenLookup {
  actor: TokenHolder
  status: 'active' | 'revoked'
  expired: boolean
  expiresAt: Date
}

/**
 * The holder of a token, found by its hash, with the token's state. Expiry is reckoned
 * on real time, not the business clock (see clock.ts).
 */
export async function findTokenHolder (db: Kysely<DB>, tokenHash: Buffer): Promise<TokenLookup | undefined> {
  const row = await db.selectFrom('api_tokens as t')
    .leftJoin('officers as o', 'o.id', 't.officer_id')
    .leftJoin('partners as p', 'p.id', 't.partner_id')
    .select([
      't.id as token_id', 't.status', 't.expires_at', sql<boolean>`t.expires_at <= now()`.as('expired'),
      'o.id as officer_id', 'o.name as officer_name', 'o.roles', 'o.region_code as officer_region',
      'p.id as partner_id', 'p.name as partner_name', 'p.programs', 'p.region_code as partner_region', 'p.rate_limit_per_minute',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row) return undefined
  const actor: TokenHolder = row.officer_id
    ? { kind: 'officer', id: row.officer_id, name: row.officer_name!, roles: row.roles as Role[], regionCode: row.officer_region!, tokenId: row.token_id, programs: [] }
    : { kind: 'partner', id: row.partner_id!, name: row.partner_name!, roles: ['partner'], regionCode: row.partner_region!, tokenId: row.token_id, programs: row.programs ?? [], rateLimitPerMinute: row.rate_limit_per_minute ?? undefined }
  return { actor, status: row.status, expired: Boolean(row.expired), expiresAt: row.expires_at }
}

export function insertOfficer (db: Kysely<DB>, officer: { name: string, roles: string[], regionCode: string }) {
  return db.insertInto('officers')
    .values({ name: officer.name, roles: officer.roles, region_code: officer.regionCode })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findOfficer (db: Kysely<DB>, id: string, scope: string) {
  return db.selectFrom('officers').selectAll()
    .where('id', '=', id)
    .where(inSubtree('region_code', scope))
    .executeTakeFirst()
}

export function listOfficers (db: Kysely<DB>, region: string, limit: number, after: string | undefined) {
  let query = db.selectFrom('officers').selectAll()
    .where(inSubtree('region_code', region))
    .orderBy('id')
    .limit(limit + 1)
  if (after !== undefined) query = query.where('id', '>', after)
  return query.execute()
}

export function insertPartner (db: Kysely<DB>, partner: { name: string, department: string, programs: string[], regionCode: string, rateLimitPerMinute: number }) {
  return db.insertInto('partners')
    .values({
      name: partner.name,
      department: partner.department,
      programs: partner.programs,
      region_code: partner.regionCode,
      rate_limit_per_minute: partner.rateLimitPerMinute,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findPartner (db: Kysely<DB>, id: string, scope: string) {
  return db.selectFrom('partners').selectAll()
    .where('id', '=', id)
    .where(inSubtree('region_code', scope))
    .executeTakeFirst()
}

export function insertToken (db: Kysely<DB>, token: { owner: { officerId: string } | { partnerId: string }, tokenHash: Buffer, expiresAt: Date }) {
  return db.insertInto('api_tokens')
    .values({
      officer_id: 'officerId' in token.owner ? token.owner.officerId : null,
      partner_id: 'partnerId' in token.owner ? token.owner.partnerId : null,
      token_hash: token.tokenHash,
      expires_at: token.expiresAt,
    })
    .returning(['id', 'expires_at', 'created_at'])
    .executeTakeFirstOrThrow()
}

const holderRegion = sql<string>`coalesce(o.region_code, p.region_code)`

/**
 * Locks the tokens among ids whose holder is in the scope, answering each one's
 * status, holder and the holder's region; with holderId, only that holder's own.
 */
export function lockTokens (db: Kysely<DB>, ids: readonly string[], scope: string, holderId?: string) {
  if (ids.length === 0) return Promise.resolve([])
  let query = db.selectFrom('api_tokens as t')
    .leftJoin('officers as o', 'o.id', 't.officer_id')
    .leftJoin('partners as p', 'p.id', 't.partner_id')
    .select(['t.id', 't.status', 't.officer_id', 't.partner_id', holderRegion.as('region_code')])
    .where(idIn('t.id', ids))
    .where(inSubtree(holderRegion, scope))
  if (holderId !== undefined) query = query.where((eb) => eb.or([eb('t.officer_id', '=', holderId), eb('t.partner_id', '=', holderId)]))
  return query.forUpdate('t').execute()
}
