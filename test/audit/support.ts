import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { DB } from '../../src/db/types.js'
import { verifyAuditTrail, type AuditVerification } from '../../src/domain/audit/verify.js'

const AUDIT_TABLES = ['audit_events', 'audit_blocks', 'audit_lanes']

/** Statements run as a database superuser would: with the audit tables' triggers switched off. */
export async function asSuperuser (trx: Kysely<DB>, ...statements: RawBuilder<unknown>[]): Promise<void> {
  for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} disable trigger user`).execute(trx)
  for (const statement of statements) await statement.execute(trx)
  for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} enable trigger user`).execute(trx)
}

class Undo extends Error {}

/** Tampers with the trail inside a transaction, asks the service's verification, then undoes it all. */
export async function answersAfter (db: Kysely<DB>, tamper: (trx: Transaction<DB>) => Promise<void>): Promise<{ service: AuditVerification }> {
  let answers: { service: AuditVerification } | undefined
  await db.transaction().execute(async (trx) => {
    await tamper(trx)
    answers = { service: await verifyAuditTrail(trx) }
    throw new Undo()
  }).catch((error: unknown) => { if (!(error instanceof Undo)) throw error })
  return answers!
}
