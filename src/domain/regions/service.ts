import type { Kysely } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB, RegionLevel } from '../../db/types.js'
import { requireVersion } from '../../http/etag.js'
import { decodeCursor, isString, toPage } from '../../http/paging.js'
import { recordAudit } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import { regionExists, regionLevelMismatch, regionNotFound, regionParentMismatch } from './errors.js'
import { findRegion, insertRegion, listChildren, updateRegion } from './repo.js'
import type { Region, RegionCreate, RegionPatch } from './schemas.js'
import { levelOf, parentOf } from './scope.js'

type RegionRow = NonNullable<Awaited<ReturnType<typeof findRegion>>>

export function toRegion (row: RegionRow): Region {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code, reportPhone: row.report_phone, version: row.version }
}

/**
 * The one region guard: the region with this code in the scope, or the 404 that does
 * not tell "elsewhere" from "nowhere".
 */
export async function requireRegion (db: Kysely<DB>, code: string, scope: string, lock = false): Promise<RegionRow> {
  const row = await findRegion(db, code, scope, lock)
  if (!row) throw regionNotFound(code)
  return row
}

/** The region a list is asked for: the one named, which must be in the scope, or the whole scope. */
export async function listedRegion (db: Kysely<DB>, asked: string | undefined, scope: string): Promise<string> {
  if (asked === undefined) return scope
  return (await requireRegion(db, asked, scope)).code
}

export async function getRegion (db: Kysely<DB>, acting: Acting, code: string): Promise<Region> {
  return toRegion(await requireRegion(db, code, acting.scope))
}

export async function listRegionChildren (db: Kysely<DB>, acting: Acting, code: string, page: { limit: number, cursor?: string | undefined }) {
  await requireRegion(db, code, acting.scope)
  const rows = await listChildren(db, code, page.limit, decodeCursor(page.cursor, isString))
  return toPage(rows, page.limit, (row) => row.code, toRegion)
}

export function checkRegionCode (input: { code: string, level: RegionLevel, parentCode: string }): void {
  if (levelOf(input.code) !== input.level) throw regionLevelMismatch(input.code, levelOf(input.code), input.level)
  if (parentOf(input.code) !== input.parentCode) throw regionParentMismatch(input.code, parentOf(input.code), input.parentCode)
}

export async function createRegion (db: Kysely<DB>, acting: Acting, input: RegionCreate): Promise<Region> {
  checkRegionCode(input)
  return inTransaction(db, async (trx) => {
    await requireRegion(trx, input.parentCode, acting.scope)
    const row = await insertRegion(trx, input)
    if (!row) throw regionExists(input.code)
    await recordAudit(trx, acting, {
      entityType: 'region',
      entityId: row.code,
      action: 'create',
      regionCode: row.code,
      changes: { name: row.name, level: row.level, parentCode: row.parent_code, reportPhone: row.report_phone },
    })
    return toRegion(row)
  })
}

/** Renames a region or sets its report line (If-Match required). */
export async function patchRegion (db: Kysely<DB>, acting: Acting, code: string, ifMatch: string | undefined, patch: RegionPatch): Promise<Region> {
  return inTransaction(db, async (trx) => {
    const current = await requireRegion(trx, code, acting.scope, true)
    requireVersion(ifMatch, current.version)
    const updated = await updateRegion(trx, code, { name: patch.name, report_phone: patch.reportPhone })
    await recordAudit(trx, acting, {
      entityType: 'region',
      entityId: code,
      action: 'update',
      regionCode: code,
      changes: {
        ...(patch.name === undefined ? {} : { name: { from: current.name, to: updated.name } }),
        ...(patch.reportPhone === undefined ? {} : { reportPhone: { from: current.report_phone, to: updated.report_phone } }),
      },
    })
    return toRegion(updated)
  })
}
