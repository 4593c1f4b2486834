/**
 * Bulk import (DESIGN §10): 100,000 persons imported on PostgreSQL — validation,
 * encryption, blind index and audit rows included — beside a raw COPY of the same rows
 * into a bare table in the same run, and its floor: the same rows parsed, checked,
 * encrypted and indexed in memory only (target ≤ 5 s, and ≤ 2× the floor).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/import.ts [persons]
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { build } from '../src/app.js'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { createAdministrator } from '../src/domain/identity/service.js'
import { checkCharacter } from '../src/domain/registry/id-number.js'
import { readCsv } from '../src/domain/registry/import/csv.js'
import { checkPersonFacts, sealIdNumber } from '../src/domain/registry/people.js'
import { PiiVault } from '../src/domain/registry/pii.js'
import { benchDatabase, count, row, timed } from './support.js'

const PERSONS = Number(process.argv[2] ?? 100_000)
const VILLAGES = 20

function idNumber (birthDate: string, serial: number, sex: 'male' | 'female'): string {
  const sequence = String(serial % 100).padStart(2, '0')
  const sexDigit = (sex === 'male' ? 1 : 0) + 2 * (Math.floor(serial / 100) % 5)
  const first17 = `420102${birthDate.replaceAll('-', '')}${sequence}${sexDigit}`
  return `${first17}${checkCharacter(first17)}`
}

/** Households of three: a couple and a child, each person with a distinct ID number. */
function makeCsv (persons: number): string {
  const lines = ['household,regionCode,hukouType,address,name,idNumber,sex,birthDate,relationship']
  for (let n = 0; n < persons; n++) {
    const household = Math.floor(n / 3)
    const role = n % 3
    const village = `420102.001.${String(household % VILLAGES + 1).padStart(3, '0')}`
    const year = role === 2 ? 1980 + (household % 20) : 1940 + (household % 20)
    const day = new Date(Date.UTC(year, 0, 1 + Math.floor(household / 500) % 365)).toISOString().slice(0, 10)
    const sex = role === 1 ? 'female' : 'male'
    const relationship = ['head', 'spouse', 'child'][role]
    lines.push(`H${household},${village},agricultural,${household}号,居民${n},${idNumber(day, household % 500, sex)},${sex},${day},${relationship}`)
  }
  return `${lines.join('\n')}\n`
}

const bench = await benchDatabase()
const dir = await mkdtemp(path.join(tmpdir(), 'huimin-bench-'))
try {
  const db = bench.database.db
  const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn', JOB_POLL_MS: '0' })
  await prepareDatabase(bench.database, config)
  await db.insertInto('regions').values({ code: '420102.001', name: '镇', level: 'township', parent_code: '420102' }).execute()
  await db.insertInto('regions').values(Array.from({ length: VILLAGES }, (_, i) => ({
    code: `420102.001.${String(i + 1).padStart(3, '0')}`, name: `村${i + 1}`, level: 'village' as const, parent_code: '420102.001',
  }))).execute()
  const { token } = await createAdministrator(db, systemActing('bench', '420102', systemClock()), { name: 'bench', regionCode: '420102' })
  const app = await build({ config, database: bench.database })

  const csv = makeCsv(PERSONS)
  const file = path.join(dir, 'persons.csv')
  await writeFile(file, csv)
  await chmod(dir, 0o755)
  await chmod(file, 0o644)
  console.log(`import of ${count(PERSONS)} persons (${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB of CSV) on PostgreSQL\n`)

  // Baseline: the server reads the same file straight into a bare table.
  await sql`create table raw_persons (household text, region_code text, hukou_type text, address text, name text,
                                      id_number text, sex text, birth_date date, relationship text)`.execute(db)
  const copy = await timed(() => sql.raw(`copy raw_persons from '${file}' with (format csv, header true)`).execute(db))

  // The floor of any import that checks and seals each row: the same rows parsed,
  // checked and encrypted with their blind index, in memory, writing nothing.
  const vault = new PiiVault(randomBytes(32))
  const sealed = await timed(async () => {
    for (const household of readCsv(csv)) {
      if ('faults' in household) continue
      for (const member of household.household.members) {
        checkPersonFacts(member, '/row', '2026-12-31')
        sealIdNumber(vault, member.idNumber)
      }
    }
  })

  const imported = await timed(async () => {
    const response = await app.inject({
      method: 'POST', url: '/v1/imports/households', payload: csv,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'text/csv' },
    })
    if (response.statusCode !== 202) throw new Error(`upload refused: ${response.body}`)
    await app.jobs.runPending()
    return (await app.inject({ method: 'GET', url: `/v1/jobs/${response.json().id}`, headers: { authorization: `Bearer ${token.token}` } })).json()
  })
  const result = imported.result.result
  if (imported.result.status !== 'succeeded' || result.inserted !== PERSONS) throw new Error(`import did not complete: ${JSON.stringify(imported.result).slice(0, 500)}`)

  row(`raw COPY of the rows into a bare table`, `${copy.seconds.toFixed(2)} s`)
  row(`parse, check, encrypt and index in memory only`, `${sealed.seconds.toFixed(2)} s`, `${(sealed.seconds / copy.seconds).toFixed(1)}× the COPY`)
  row(`import: parse, check, encrypt, index, insert, audit`, `${imported.seconds.toFixed(2)} s`,
    `${(imported.seconds / sealed.seconds).toFixed(1)}× the floor, ${(imported.seconds / copy.seconds).toFixed(1)}× the COPY; ${count(Math.round(PERSONS / imported.seconds))} persons/s; target ≤ 5 s, ≤ 2× the floor`)
  await app.close()
} finally {
  await rm(dir, { recursive: true, force: true })
  await bench.close()
}
