import type { Kysely, Transaction } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { decodeCursor, isUuid, toPage } from '../../http/paging.js'
import { recordAudit } from '../audit/record.js'
import { listedRegion, requireRegion } from '../regions/service.js'
import { transition } from '../state/machine.js'
import type { Acting } from './acting.js'
import { expiryNotInFuture, officerNotFound, partnerNotFound } from './errors.js'
import { findOfficer, findPartner, insertOfficer, insertPartner, insertToken, listOfficers } from './repo.js'
import type { IssuedToken, Officer, OfficerCreate, Partner, PartnerCreate } from './schemas.js'
import { TOKEN } from './token-machine.js'
import { DEFAULT_TOKEN_LIFETIME_MS, generateToken, hashToken } from './tokens.js'

type OfficerRow = Awaited<ReturnType<typeof insertOfficer>>
type PartnerRow = Awaited<ReturnType<typeof insertPartner>>

export function toOfficer (row: OfficerRow): Officer {
  return { id: row.id, name: row.name, roles: row.roles as Officer['roles'], regionCode: row.region_code, createdAt: row.created_at.toISOString() }
}

export function toPartner (row: PartnerRow): Partner {
  return {
    id: row.id,
    name: row.name,
    department: row.department,
    programs: row.programs,
    regionCode: row.region_code,
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: row.created_at.toISOString(),
  }
}

export async function createOfficer (db: Kysely<DB>, acting: Acting, input: OfficerCreate): Promise<Officer> {
  return inTransaction(db, async (trx) => {
    await requireRegion(trx, input.regionCode, acting.scope)
    return toOfficer(await registerOfficer(trx, acting, input))
  })
}

async function registerOfficer (trx: Transaction<DB>, acting: Acting, input: OfficerCreate): Promise<OfficerRow> {
  const row = await insertOfficer(trx, input)
  await recordAudit(trx, acting, {
    entityType: 'officer',
    entityId: row.id,
    action: 'create',
    regionCode: row.region_code,
    changes: { name: row.name, roles: row.roles, regionCode: row.region_code },
  })
  return row
}

export async function getOfficer (db: Kysely<DB>, acting: Acting, id: string): Promise<Officer> {
  const row = await findOfficer(db, id, acting.scope)
  if (!row) throw officerNotFound(id)
  return toOfficer(row)
}

export async function listOfficersIn (db: Kysely<DB>, acting: Acting, query: { region?: string | undefined, limit: number, cursor?: string | undefined }) {
  const region = await listedRegion(db, query.region, acting.scope)
  const rows = await listOfficers(db, region, query.limit, decodeCursor(query.cursor, isUuid))
  return toPage(rows, query.limit, (row) => row.id, toOfficer)
}

export async function createPartner (db: Kysely<DB>, acting: Acting, input: PartnerCreate): Promise<Partner> {
  const partner = { ...input, regionCode: input.regionCode ?? acting.scope, rateLimitPerMinute: input.rateLimitPerMinute ?? 60 }
  return inTransaction(db, async (trx) => {
    await requireRegion(trx, partner.regionCode, acting.scope)
    const row = await insertPartner(trx, partner)
    await recordAudit(trx, acting, {
      entityType: 'partner',
      entityId: row.id,
      action: 'create',
      regionCode: row.region_code,
      changes: { name: row.name, department: row.department, programs: row.programs, rateLimitPerMinute: row.rate_limit_per_minute },
    })
    return toPartner(row)
  })
}

export async function getPartner (db: Kysely<DB>, acting: Acting, id: string): Promise<Partner> {
  const row = await findPartner(db, id, acting.scope)
  if (!row) throw partnerNotFound(id)
  return toPartner(row)
}

export type TokenHolderRef = { kind: 'officer', id: string } | { kind: 'partner', id: string }

/**
 * Issues a token to an officer or partner in the scope. The token is returned once and
 * kept only as a hash. Its lifetime runs on real time, not the business clock.
 */
export async function issueToken (db: Kysely<DB>, acting: Acting, holder: TokenHolderRef, expiresAt?: string): Promise<IssuedToken> {
  const expiry = expiresAt ? new Date(expiresAt) : new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS)
  if (expiry.getTime() <= Date.now()) throw expiryNotInFuture()
  return inTransaction(db, async (trx) => {
    const row = holder.kind === 'officer' ? await findOfficer(trx, holder.id, acting.scope) : await findPartner(trx, holder.id, acting.scope)
    if (!row) throw (holder.kind === 'officer' ? officerNotFound : partnerNotFound)(holder.id)
    return issueTokenTo(trx, acting, holder, row.region_code, expiry)
  })
}

async function issueTokenTo (trx: Transaction<DB>, acting: Acting, holder: TokenHolderRef, regionCode: string, expiresAt: Date): Promise<IssuedToken> {
  const token = generateToken()
  const owner = holder.kind === 'officer' ? { officerId: holder.id } : { partnerId: holder.id }
  const row = await insertToken(trx, { owner, tokenHash: hashToken(token), expiresAt })
  await recordAudit(trx, acting, {
    entityType: 'api_token',
    entityId: row.id,
    action: 'issue',
    toStatus: 'active',
    regionCode,
    changes: { holderKind: holder.kind, holderId: holder.id, expiresAt: row.expires_at.toISOString() },
  })
  return { id: row.id, token, expiresAt: row.expires_at.toISOString() }
}

/**
 * Revokes a token. Administrators revoke any token of their region; anyone may
 * revoke their own. Any other token answers 404, as if it did not exist.
 */
export async function revokeToken (db: Kysely<DB>, acting: Acting, tokenId: string, reason?: string): Promise<void> {
  await inTransaction(db, (trx) => transition(trx, TOKEN, acting, tokenId, 'revoke', { reason: reason ?? null }))
}

/** Creates an administrator of the given region with a first token: for the command line and a new database. */
export async function createAdministrator (db: Kysely<DB>, acting: Acting, input: { name: string, regionCode: string }): Promise<{ officer: Officer, token: IssuedToken }> {
  return inTransaction(db, async (trx) => {
    const row = await registerOfficer(trx, acting, { name: input.name, roles: ['admin'], regionCode: input.regionCode })
    const token = await issueTokenTo(trx, acting, { kind: 'officer', id: row.id }, row.region_code, new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS))
    return { officer: toOfficer(row), token }
  })
}
