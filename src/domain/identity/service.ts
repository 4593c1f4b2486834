import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import { decodeCursor, isString, toPage } from '../../http/paging.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit } from '../audit/record.js'
import { changeStatus } from '../audit/status-change.js'
import { findRegion } from '../regions/repo.js'
import { regionNotFound } from '../regions/service.js'
import type { Actor } from './actor.js'
import { findOfficer, findPartner, insertOfficer, insertPartner, insertToken, listOfficers, lockToken, revokeTokenRow } from './repo.js'
import type { IssuedToken, Officer, OfficerCreate, Partner, PartnerCreate } from './schemas.js'
import { DEFAULT_TOKEN_LIFETIME_MS, generateToken, hashToken } from './tokens.js'

type OfficerRow = Awaited<ReturnType<typeof insertOfficer>>
type PartnerRow = Awaited<ReturnType<typeof insertPartner>>

const TOKEN_TRANSITIONS = { active: ['revoked'] } as const

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

async function requireRegion (db: Kysely<DB>, code: string, scope: string): Promise<void> {
  if (!await findRegion(db, code, scope)) throw regionNotFound(code)
}

export async function createOfficer (db: Kysely<DB>, context: AuditContext, scope: string, input: OfficerCreate): Promise<Officer> {
  return db.transaction().execute(async (trx) => {
    await requireRegion(trx, input.regionCode, scope)
    return toOfficer(await registerOfficer(trx, context, input))
  })
}

async function registerOfficer (trx: Transaction<DB>, context: AuditContext, input: OfficerCreate): Promise<OfficerRow> {
  const row = await insertOfficer(trx, input)
  await recordAudit(trx, context, {
    entityType: 'officer',
    entityId: row.id,
    action: 'create',
    regionCode: row.region_code,
    changes: { name: row.name, roles: row.roles, regionCode: row.region_code },
  })
  return row
}

export async function getOfficer (db: Kysely<DB>, id: string, scope: string): Promise<Officer> {
  const row = await findOfficer(db, id, scope)
  if (!row) throw new ProblemError(404, 'officer_not_found', `No officer ${id} in your region.`)
  return toOfficer(row)
}

export async function listOfficersIn (db: Kysely<DB>, scope: string, query: { region?: string | undefined, limit: number, cursor?: string | undefined }) {
  const region = query.region ?? scope
  await requireRegion(db, region, scope)
  const rows = await listOfficers(db, region, query.limit, decodeCursor(query.cursor, isString))
  return toPage(rows, query.limit, (row) => row.id, toOfficer)
}

export async function createPartner (db: Kysely<DB>, context: AuditContext, scope: string, input: PartnerCreate): Promise<Partner> {
  const partner = { ...input, regionCode: input.regionCode ?? scope, rateLimitPerMinute: input.rateLimitPerMinute ?? 60 }
  return db.transaction().execute(async (trx) => {
    await requireRegion(trx, partner.regionCode, scope)
    const row = await insertPartner(trx, partner)
    await recordAudit(trx, context, {
      entityType: 'partner',
      entityId: row.id,
      action: 'create',
      regionCode: row.region_code,
      changes: { name: row.name, department: row.department, programs: row.programs, rateLimitPerMinute: row.rate_limit_per_minute },
    })
    return toPartner(row)
  })
}

export async function getPartner (db: Kysely<DB>, id: string, scope: string): Promise<Partner> {
  const row = await findPartner(db, id, scope)
  if (!row) throw new ProblemError(404, 'partner_not_found', `No partner ${id} in your region.`)
  return toPartner(row)
}

export type TokenHolderRef = { kind: 'officer', id: string } | { kind: 'partner', id: string }

/** Issues a token to an officer or partner in the scope. The token is returned once and kept only as a hash. */
export async function issueToken (
  db: Kysely<DB>, context: AuditContext, scope: string, holder: TokenHolderRef, expiresAt?: string,
): Promise<IssuedToken> {
  const expiry = expiresAt ? new Date(expiresAt) : new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS)
  if (expiry.getTime() <= Date.now()) throw new ProblemError(422, 'expiry_not_in_future', 'expiresAt must be in the future.')
  return db.transaction().execute(async (trx) => {
    const row = holder.kind === 'officer' ? await findOfficer(trx, holder.id, scope) : await findPartner(trx, holder.id, scope)
    if (!row) throw new ProblemError(404, `${holder.kind}_not_found`, `No ${holder.kind} ${holder.id} in your region.`)
    return issueTokenTo(trx, context, holder, row.region_code, expiry)
  })
}

async function issueTokenTo (trx: Transaction<DB>, context: AuditContext, holder: TokenHolderRef, regionCode: string, expiresAt: Date): Promise<IssuedToken> {
  const token = generateToken()
  const owner = holder.kind === 'officer' ? { officerId: holder.id } : { partnerId: holder.id }
  const row = await insertToken(trx, { owner, tokenHash: hashToken(token), expiresAt })
  await recordAudit(trx, context, {
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
export async function revokeToken (db: Kysely<DB>, context: AuditContext, actor: Actor, tokenId: string, reason?: string): Promise<void> {
  const isAdmin = actor.kind === 'officer' && actor.roles.includes('admin')
  await db.transaction().execute(async (trx) => {
    await changeStatus(trx, context, {
      entityType: 'api_token',
      entityId: tokenId,
      action: 'revoke',
      to: 'revoked',
      transitions: TOKEN_TRANSITIONS,
      reason: reason ?? null,
      lock: async () => {
        const token = await lockToken(trx, tokenId, actor.regionCode)
        const own = token && (token.officer_id === actor.id || token.partner_id === actor.id)
        return token && (isAdmin || own) ? { status: token.status, regionCode: token.region_code } : undefined
      },
      apply: async () => { await revokeTokenRow(trx, tokenId) },
    })
  })
}

/** Creates an administrator of the given region with a first token: for the command line and a new database. */
export async function createAdministrator (
  db: Kysely<DB>, context: AuditContext, input: { name: string, regionCode: string },
): Promise<{ officer: Officer, token: IssuedToken }> {
  return db.transaction().execute(async (trx) => {
    const row = await registerOfficer(trx, context, { name: input.name, roles: ['admin'], regionCode: input.regionCode })
    const token = await issueTokenTo(trx, context, { kind: 'officer', id: row.id }, row.region_code, new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS))
    return { officer: toOfficer(row), token }
  })
}
