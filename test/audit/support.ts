import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Test } from 'tap'
import type { DB } from '../../src/db/types.js'
import { auditExportLines } from '../../src/domain/audit/export.js'
import { verifyAuditTrail, type AuditVerification } from '../../src/domain/audit/verify.js'
import { systemClock } from '../../src/domain/clock/clock.js'
import { systemActing } from '../../src/domain/identity/acting.js'

const VERIFIER_URL = new URL('../../tools/verify-audit-export.mjs', import.meta.url)
export const VERIFIER = fileURLToPath(VERIFIER_URL)

type ExportedRow = Record<string, unknown>

/** The standalone verifier's functions, for tests that recompute single hashes with it. */
export const standalone = await import(VERIFIER_URL.href) as {
  rowBytesV1: (row: ExportedRow) => Buffer
  rowBytesV2: (row: ExportedRow) => Buffer
  rowHash: (row: ExportedRow) => Buffer | null
  blockHash: (block: ExportedRow) => Buffer | null
}

/** The standalone verifier run on a file, as an auditor runs it: its exit code and its --json answer. */
export function runVerifier (file: string, ...args: string[]): Promise<{ code: number, result: AuditVerification | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFIER, file, '--json', ...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      resolve({ code, result: stdout.trim() ? JSON.parse(stdout) : null, stdout, stderr })
    })
  })
}

/** A folder for export files, removed when the test ends. */
export async function scratch (t: Test): Promise<(name: string, content: string) => Promise<string>> {
  const folder = await mkdtemp(path.join(tmpdir(), 'huimin-audit-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  return async (name, content) => {
    const file = path.join(folder, name)
    await writeFile(file, content)
    return file
  }
}

/** The export a district auditor gets, read through `db` (a transaction, for what it sees). */
export async function exportText (db: Kysely<DB>, scope = '420102'): Promise<string> {
  let text = ''
  for await (const part of auditExportLines(db, systemActing('test', scope, systemClock()), undefined)) text += part
  return text
}

const AUDIT_TABLES = ['audit_events', 'audit_blocks', 'audit_lanes']

/** Statements run as a database superuser would: with the audit tables' triggers switched off. */
export async function asSuperuser (trx: Kysely<DB>, ...statements: RawBuilder<unknown>[]): Promise<void> {
  for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} disable trigger user`).execute(trx)
  for (const statement of statements) await statement.execute(trx)
  for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} enable trigger user`).execute(trx)
}

class Undo extends Error {}

/**
 * Tampers with the trail inside a transaction, asks the service's verification and the
 * standalone verifier (on the export of the tampered trail), then undoes it all.
 */
export async function answersAfter (db: Kysely<DB>, write: (name: string, content: string) => Promise<string>, name: string,
  tamper: (trx: Transaction<DB>) => Promise<void>): Promise<{ service: AuditVerification, tool: Awaited<ReturnType<typeof runVerifier>> }> {
  let answers: { service: AuditVerification, tool: Awaited<ReturnType<typeof runVerifier>> } | undefined
  await db.transaction().execute(async (trx) => {
    await tamper(trx)
    const service = await verifyAuditTrail(trx)
    const tool = await runVerifier(await write(`${name.replace(/\W+/g, '-')}.ndjson`, await exportText(trx)))
    answers = { service, tool }
    throw new Undo()
  }).catch((error: unknown) => { if (!(error instanceof Undo)) throw error })
  return answers!
}
