import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import Type from 'typebox'
import { isConnectionLost } from '../../../db/errors.js'
import type { DB } from '../../../db/types.js'
import { ProblemError } from '../../../http/problem.js'
import { recordAudit, type AuditEntry } from '../../audit/record.js'
import type { Acting } from '../../identity/acting.js'
import { defineJob, JobFailure } from '../../jobs/define.js'
import { inSubtree } from '../../regions/scope.js'
import {
  checkFamily, checkHousehold, HOUSEHOLD_LEVELS, linkChildren, livingMembers, namedParents, personsInScope, provisionalHousehold, withIds, withNormalisedIdNumbers,
} from '../household-rules.js'
import { auditedPerson, personValues, type PersonInsert } from '../people.js'
import type { PiiVault } from '../pii.js'
import { insertPersons, personsByIdNumber } from '../repo.js'
import type { HouseholdCreate, ImportResult } from '../schemas.js'
import { readCsv } from './csv.js'
import { readXlsx } from './xlsx.js'
import { householdFaults, locate, readNdjson, type ImportedHousehold, type ImportFormat, type RowError } from './formats.js'

/**
 * Households per transaction: a failure loses at most one chunk, which a rerun
 * completes. At most 2000 (fewer statements for a large file), and for a smaller file
 * a twentieth of it (not under 100), so that the job's progress moves in steps of
 * about 5% as chunks are written.
 */
export function chunkSize (households: number): number {
  return Math.min(2000, Math.max(100, Math.ceil(households / 20)))
}

export const ImportInput = Type.Object({
  format: Type.Enum(['csv', 'ndjson', 'xlsx']),
  /** The encoding the route read the upload's text in (the payload holds it as UTF-8); a job queued before it was recorded read UTF-8. */
  encoding: Type.Optional(Type.Union([Type.Enum(['utf-8', 'gb18030']), Type.Null()])),
  /** The key the upload (the job's payload) is encrypted with. */
  keyId: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
})

/**
 * Imports a file of households. Each household goes in whole or not at all; bad ones
 * are reported by row — a row that cannot be read, breaks a rule, or that the database
 * refuses — and the others go in. Households whose living members are all registered
 * already are skipped (counted in skipped, as persons), so importing the same file twice
 * adds nothing the second time, and a job stopped half-way (the database gone) is
 * completed by importing the same file again. Audit rows name the officer who uploaded
 * the file.
 */
export const IMPORT_HOUSEHOLDS = defineJob('import.households', ImportInput, async ({ job, input, db, acting, vault, progress }) => {
  const read = input.format === 'xlsx' ? await readXlsx(vault.decryptBytes(job.payload!, input.keyId))
    : input.format === 'csv' ? readCsv(vault.decrypt(job.payload!, input.keyId)) : readNdjson(vault.decrypt(job.payload!, input.keyId))
  const total = read.reduce((sum, item) => sum + item.rows.length, 0)
  await progress(0, total)

  const errors: RowError[] = []
  const indexes = new Map<string, Buffer>()
  const indexOf = (idNumber: string): Buffer => {
    let index = indexes.get(idNumber)
    if (!index) indexes.set(idNumber, index = vault.blindIndex(idNumber))
    return index
  }
  const { accepted, skipped } = await acceptable(db, input.format, indexOf, job.region_code, await acting.clock.today(), read, errors)
  let inserted = 0
  let done = total - accepted.reduce((sum, item) => sum + item.rows.length, 0)
  if (done > 0) await progress(done, total) // the rows refused or already registered
  let households = 0
  const chunks: Accepted[][] = []
  const chunk = chunkSize(accepted.length)
  for (let start = 0; start < accepted.length; start += chunk) chunks.push(accepted.slice(start, start + chunk))
  // The rows of the next chunk (encrypting its ID numbers) are built while the
  // database writes the current one: Node's core and PostgreSQL's work at once.
  let next = chunks.length > 0 ? await prepareChunk(vault, indexOf, chunks[0]!) : undefined
  for (let index = 0; index < chunks.length; index++) {
    const writing = writeChunkOrFindRefused(db, acting, chunks[index]!, next!, errors)
    writing.catch(() => undefined) // awaited below; a failure must not go unhandled meanwhile
    try {
      next = index + 1 < chunks.length ? await prepareChunk(vault, indexOf, chunks[index + 1]!) : undefined
      const written = await writing
      inserted += written.persons
      households += written.households
    } catch (error) {
      throw stoppedAt(error, households, accepted.length, chunks[index]![0]!.rows[0]!)
    }
    done += chunks[index]!.reduce((sum, item) => sum + item.rows.length, 0)
    await progress(done, total)
  }
  // The upload holds ID numbers: it is not kept once read.
  await db.updateTable('jobs').set({ payload: null }).where('id', '=', job.id).execute()
  const result: ImportResult = { format: input.format, encoding: input.encoding === undefined ? 'utf-8' : input.encoding, inserted, households, skipped, errors: errors.sort((a, b) => a.row - b.row) }
  return result
})

/**
 * What a job stopped half-way says: how far it got, and how to finish. The households of
 * the chunks before are in; the rest are not, and a second import of the same file
 * skips the first and writes the rest.
 */
function stoppedAt (error: unknown, written: number, accepted: number, row: number): JobFailure {
  const reason = isConnectionLost(error) ? 'the database connection was lost'
    : typeof (error as { code?: unknown }).code === 'string' ? `the database failed (SQLSTATE ${(error as { code: string }).code})` : 'an unexpected error'
  return new JobFailure(`the import stopped at row ${row}, with ${written} of ${accepted} households written: ${reason}. `
    + 'Import the same file again to finish it: the households already written are skipped.')
}

type Accepted = { rows: number[], household: HouseholdCreate }

/** The households that pass every check; the others' rows go to errors. */
async function acceptable (
  db: Kysely<DB>, format: ImportFormat, indexOf: (idNumber: string) => Buffer, scope: string, today: string, read: ImportedHousehold[], errors: RowError[],
): Promise<{ accepted: Accepted[], skipped: number }> {
  const reject = (rows: number[], message: string, row: number) => { errors.push(...householdFaults(rows, row, message)) }
  const refuse = (rows: number[], path: string, rule: string) => {
    const { row, where } = locate(format, rows, path)
    errors.push(...householdFaults(rows, row, `${where}: ${rule}`))
  }
  const places = new Set((await db.selectFrom('regions').select('code')
    .where(inSubtree('code', scope)).where('level', 'in', HOUSEHOLD_LEVELS).execute()).map((row) => row.code))

  const checked: Accepted[] = []
  for (const item of read) {
    if ('faults' in item) { errors.push(...item.faults); continue }
    let household: HouseholdCreate
    try {
      household = { ...item.household, members: withNormalisedIdNumbers(item.household.members, '/members') }
      checkHousehold(household, '', today)
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error
      refuse(item.rows, error.errors?.[0]?.path ?? '/members', error.message)
      continue
    }
    if (!places.has(household.regionCode)) {
      refuse(item.rows, '/regionCode', 'not a village or hamlet in your region')
      continue
    }
    checked.push({ rows: item.rows, household })
  }

  const visibleParents = await personsInScope(db, namedParents(checked.flatMap(({ household }) => household.members)), scope)
  const registered = new Set<string>()
  const indexes = checked.flatMap(({ household }) => livingMembers(household.members).map((member) => indexOf(member.idNumber)))
  for (let start = 0; start < indexes.length; start += 5000) {
    for (const row of await personsByIdNumber(db, indexes.slice(start, start + 5000), { livingOnly: true })) registered.add(row.id_number_index.toString('hex'))
  }

  const inFile = new Map<string, number>()
  const accepted: Accepted[] = []
  let skipped = 0
  for (const item of checked) {
    const members = item.household.members
    const missingParent = members.findIndex((member) => [member.motherId, member.fatherId].some((id) => id && !visibleParents.has(id)))
    if (missingParent !== -1) {
      const field = members[missingParent]!.motherId && !visibleParents.has(members[missingParent]!.motherId!) ? 'motherId' : 'fatherId'
      refuse(item.rows, `/members/${missingParent}/${field}`, 'not a person in your region')
      continue
    }
    try {
      checkFamily(members, provisionalHousehold(members), visibleParents, (index) => `/members/${index}`)
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error
      refuse(item.rows, error.errors?.[0]?.path ?? '/members', error.message)
      continue
    }
    const keys = members.map((member) => member.deathDate ? undefined : indexOf(member.idNumber).toString('hex'))
    const already = keys.filter((key) => key && registered.has(key)).length
    if (already > 0 && already === livingMembers(item.household.members).length) {
      skipped += members.length
      continue
    }
    const conflict = keys.findIndex((key) => key && (registered.has(key) || inFile.has(key)))
    if (conflict !== -1) {
      const key = keys[conflict]!
      const where = registered.has(key) ? 'is already registered' : `is already in row ${inFile.get(key)} of this file`
      reject(item.rows, `the person in this row ${where}`, item.rows[Math.min(conflict, item.rows.length - 1)]!)
      continue
    }
    keys.forEach((key, index) => { if (key) inFile.set(key, item.rows[Math.min(index, item.rows.length - 1)]!) })
    accepted.push(item)
  }
  return { accepted, skipped }
}

interface PreparedChunk {
  households: Array<{ id: string, household: HouseholdCreate }>
  persons: PersonInsert[]
}

/**
 * Builds a chunk's rows: ids, parent links, and each person's sealed ID number. It
 * yields to the event loop every few households, so that a chunk being written
 * meanwhile gets its statements sent as soon as the previous ones are answered.
 */
async function prepareChunk (vault: PiiVault, indexOf: (idNumber: string) => Buffer, chunk: Accepted[]): Promise<PreparedChunk> {
  const households = chunk.map(({ household }) => ({ id: randomUUID(), household }))
  const persons: PersonInsert[] = []
  for (const [index, { id, household }] of households.entries()) {
    if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve))
    const ids = household.members.map(() => randomUUID())
    persons.push(...linkChildren(household.members, withIds(household.members, ids))
      .map((member, memberIndex) => personValues(vault, ids[memberIndex]!, id, member, indexOf(member.idNumber))))
  }
  return { households, persons }
}

/**
 * Writes a chunk; when the database refuses one of its rows (a value it cannot hold, a
 * constraint), the chunk is written again in halves until the household at fault is
 * found, which is reported by row, and the others go in. Anything else — the connection
 * lost — stops the import.
 */
async function writeChunkOrFindRefused (
  db: Kysely<DB>, acting: Acting, chunk: Accepted[], prepared: PreparedChunk, errors: RowError[],
): Promise<{ households: number, persons: number }> {
  try {
    return { households: chunk.length, persons: await writeChunk(db, acting, prepared) }
  } catch (error) {
    if (!isRefusedData(error)) throw error
    if (chunk.length === 1) {
      errors.push(...householdFaults(chunk[0]!.rows, chunk[0]!.rows[0]!, `refused by the database: ${refusalOf(error)}`))
      return { households: 0, persons: 0 }
    }
    const half = Math.ceil(chunk.length / 2)
    const parts = [chunk.slice(0, half), chunk.slice(half)]
    let households = 0
    let persons = 0
    for (const [index, part] of parts.entries()) {
      const ids = new Set(prepared.households.slice(index === 0 ? 0 : half, index === 0 ? half : undefined).map(({ id }) => id))
      const written = await writeChunkOrFindRefused(db, acting, part, {
        households: prepared.households.filter(({ id }) => ids.has(id)),
        persons: prepared.persons.filter((person) => ids.has(person.household_id)),
      }, errors)
      households += written.households
      persons += written.persons
    }
    return { households, persons }
  }
}

/** A refusal of the rows' data (SQLSTATE classes 22 and 23), as opposed to trouble with the database itself. */
function isRefusedData (error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)
}

/** The database's reason, by its code and the constraint or column it names: its message may quote the value. */
function refusalOf (error: unknown): string {
  const { code, constraint, column } = error as { code: string, constraint?: string, column?: string }
  const what = constraint ? `, constraint ${constraint}` : column ? `, column ${column}` : ''
  return `SQLSTATE ${code}${what}`
}

/** One transaction: the households, their members and their audit rows, each one statement. */
async function writeChunk (db: Kysely<DB>, acting: Acting, { households, persons }: PreparedChunk): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('households').values(households.map(({ id, household }) => ({
      id, region_code: household.regionCode, hukou_type: household.hukouType, address: household.address,
    }))).execute()
    await insertPersons(trx, persons, { returning: false })
    // One audit row per household, naming its members (masked): an import of 100,000
    // persons writes a third as many audit rows, and each person's row is still findable
    // through their household.
    const membersOf = new Map<string, Array<ReturnType<typeof auditedPerson>>>()
    for (const person of persons) {
      const members = membersOf.get(person.household_id) ?? []
      members.push(auditedPerson(person))
      membersOf.set(person.household_id, members)
    }
    await recordAudit(trx, acting, ...households.map(({ id, household }): AuditEntry => ({
      entityType: 'household', entityId: id, action: 'import', regionCode: household.regionCode,
      changes: { regionCode: household.regionCode, hukouType: household.hukouType, address: household.address, members: membersOf.get(id) ?? [] },
    })))
    return persons.length
  })
}
