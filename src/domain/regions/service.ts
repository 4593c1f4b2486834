import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { decodeCursor, isString, toPage } from '../../http/paging.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit } from '../audit/record.js'
import { findRegion, insertRegion, listChildren } from './repo.js'
import type { Region, RegionCreate } from './schemas.js'
import { levelOf, parentOf } from './scope.js'

type RegionRow = NonNullable<Awaited<ReturnType<typeof findRegion>>>

export function toRegion (row: RegionRow): Region {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code }
}

export async function getRegion (db: Kysely<DB>, code: string, scope: string): Promise<Region> {
  const row = await findRegion(db, code, scope)
  if (!row) throw regionNotFound(code)
  return toRegion(row)
}

export async function listRegionChildren (db: Kysely<DB>, code: string, scope: string, page: { limit: number, cursor?: string | undefined }) {
  await getRegion(db, code, scope)
  const rows = await listChildren(db, code, page.limit, decodeCursor(page.cursor, isString))
  return toPage(rows, page.limit, (row) => row.code, toRegion)
}

export async function createRegion (db: Kysely<DB>, context: AuditContext, scope: string, input: RegionCreate): Promise<Region> {
  if (levelOf(input.code) !== input.level) {
    throw new ProblemError(422, 'region_level_mismatch', `A code of the form ${input.code} is a ${levelOf(input.code)}, not a ${input.level}.`)
  }
  if (parentOf(input.code) !== input.parentCode) {
    throw new ProblemError(422, 'region_parent_mismatch', `The parent of ${input.code} is ${parentOf(input.code)}, not ${input.parentCode}.`)
  }
  return db.transaction().execute(async (trx) => {
    if (!await findRegion(trx, input.parentCode, scope)) throw regionNotFound(input.parentCode)
    const row = await insertRegion(trx, input)
    if (!row) throw new ProblemError(409, 'region_exists', `Region ${input.code} already exists.`)
    await recordAudit(trx, context, {
      entityType: 'region',
      entityId: row.code,
      action: 'create',
      regionCode: row.code,
      changes: { name: row.name, level: row.level, parentCode: row.parent_code },
    })
    return toRegion(row)
  })
}

export function regionNotFound (code: string): ProblemError {
  return new ProblemError(404, 'region_not_found', `No region ${code} in your region.`)
}
