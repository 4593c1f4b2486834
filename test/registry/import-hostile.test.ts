import { Writable } from 'node:stream'
import { sql } from 'kysely'
import t from 'tap'
import { build } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { apiOf, districtAdmin, testConfig, testDatabase } from '../helper.js'
import { couple, idNumberFor } from './people.js'

/**
 * Files that break: a stray quote, a NUL byte, a lone surrogate, a row the database
 * refuses, the database gone half-way. Each bad row is reported by its number and the
 * rest go in; nothing anywhere — answers, jobs, logs — quotes an ID number back.
 */
const logLines: string[] = []
const sink = new Writable({ write (chunk, _encoding, done) { logLines.push(String(chunk)); done() } })
const config = testConfig({ LOG_LEVEL: 'debug' })
const { database } = await testDatabase(t, config)
const app = await build({ config, database, logger: createLogger('debug', sink) })
t.teardown(() => app.close())
const api = apiOf(app)
const admin = await districtAdmin(database, config)
const db = database.db
const village = `${config.DISTRICT_CODE}.001.001`
for (const [code, level] of [[`${config.DISTRICT_CODE}.001`, 'township'], [village, 'village']] as const) {
  await api.call(admin, 'POST', '/v1/regions', { code, name: code, level, parentCode: code.slice(0, code.lastIndexOf('.')) })
}
const officer = await api.call(admin, 'POST', '/v1/officers', { name: '登记员', roles: ['registrar'], regionCode: village })
const registrar = (await api.call(admin, 'POST', `/v1/officers/${officer.body.id}/tokens`, {})).body.token as string

/** Every text the service gave out or wrote: answers, the jobs table, the log. */
const answers: string[] = []
async function importFile (contentType: string, body: string) {
  const queued = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: body,
    headers: { authorization: `Bearer ${registrar}`, 'content-type': contentType },
  })
  answers.push(queued.body)
  await app.jobs.runPending()
  const job = await app.inject({ method: 'GET', url: `/v1/jobs/${queued.json().id}`, headers: { authorization: `Bearer ${registrar}` } })
  answers.push(job.body)
  return job.json()
}
const persons = async () => Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
const everythingSaid = async () => [
  ...answers, ...logLines,
  JSON.stringify(await db.selectFrom('jobs').select(['error', 'result', 'input']).execute()),
].join('\n')

/** A couple with a son, distinct for every n (each born on a day of their own). */
function family (n: number) {
  const day = (base: string, offset: number) => new Date(Date.parse(base) + offset * 86_400_000).toISOString().slice(0, 10)
  const [head, spouse, son] = [day('1930-01-01', n), day('1935-01-01', n), day('1960-01-01', n)]
  return {
    regionCode: village, hukouType: 'agricultural', address: `${n}号`,
    members: [
      { name: '张明', idNumber: idNumberFor(head, 'male', 1), sex: 'male', birthDate: head, relationship: 'head' },
      { name: '李芳', idNumber: idNumberFor(spouse, 'female', 1), sex: 'female', birthDate: spouse, relationship: 'spouse' },
      { name: '张强', idNumber: idNumberFor(son, 'male', 1), sex: 'male', birthDate: son, relationship: 'child' },
    ],
  }
}

const header = 'household,regionCode,hukouType,address,name,idNumber,sex,birthDate,relationship'
const csvRow = (household: string, name: string, idNumber: string, birthDate: string, sex: string, relationship: string) =>
  `${household},${village},agricultural,${household}号,${name},${idNumber},${sex},${birthDate},${relationship}`
const strayQuoteId = idNumberFor('1987-01-08', 'male', 899)
const nulId = idNumberFor('1960-02-02', 'female', 898)
const wellQuotedId = idNumberFor('1955-03-03', 'male', 897)

t.test('a CSV with a stray quote, a NUL and broken quoting: those rows are refused by number, the rest go in', async (t) => {
  const before = await persons()
  const file = [
    header,
    csvRow('A', '王一', idNumberFor('1950-01-01', 'male', 801), '1950-01-01', 'male', 'head'),
    // As in the report: csv-parse's message would quote the whole field before the quote.
    csvRow('B', '王二', `${strayQuoteId}"`, '1987-01-08', 'male', 'head'),
    csvRow('B', '李二', idNumberFor('1988-01-08', 'female', 802), '1988-01-08', 'female', 'spouse'),
    csvRow('C', '王\u0000三', nulId, '1960-02-02', 'female', 'head'),
    `D,${village},agricultural,"D号,"东边,${idNumberFor('1951-01-01', 'male', 803)},male,1951-01-01,head`,
    `E,${village},agricultural,"E号, 东边",王五,${wellQuotedId},male,1955-03-03,head`,
    `F,${village},agricultural,F号,"王六,${idNumberFor('1952-01-01', 'male', 804)},male,1952-01-01,head`,
    csvRow('G', '王七', idNumberFor('1953-01-01', 'male', 805), '1953-01-01', 'male', 'head'),
  ].join('\n')
  const job = await importFile('text/csv', file)
  t.equal(job.status, 'succeeded', JSON.stringify(job.error))
  t.match(job.result, { inserted: 3, households: 3 })
  t.same(job.result.errors, [
    { row: 2, message: 'column idNumber: broken quoting: a quote inside a field that does not start with one (write it as "" inside a quoted field)' },
    { row: 3, message: 'not imported: row 2 of its household is invalid' },
    { row: 4, message: 'column name: must not contain NUL characters or unpaired surrogates' },
    { row: 5, message: 'column address: broken quoting: a quoted field goes on after its closing quote' },
    { row: 7, message: 'column name: broken quoting: a quoted field is not closed on its row (a field cannot hold a line break)' },
  ])
  t.equal(await persons(), before + 3)
  const quoted = await api.call(registrar, 'GET', `/v1/persons?idNumber=${wellQuotedId}`)
  t.match(quoted.body.items, [{ name: '王五' }], 'a quoted field with a comma is read as one field')
})

t.test('NDJSON of 3,000 households with a NUL on line 2,501 and a lone surrogate on line 2,502: 2,998 go in', async (t) => {
  const before = await persons()
  const lines = Array.from({ length: 3000 }, (_, index) => JSON.stringify(family(index)))
  lines[2500] = lines[2500]!.replace('"address":"', '"address":"\\u0000')
  lines[2501] = lines[2501]!.replace('"name":"李芳"', '"name":"李\\ud800芳"')
  const job = await importFile('application/x-ndjson', lines.join('\n'))
  t.equal(job.status, 'succeeded', JSON.stringify(job.error))
  t.match(job.result, { households: 2998, inserted: 2998 * 3 })
  t.same(job.result.errors, [
    { row: 2501, message: '/address: must not contain NUL characters or unpaired surrogates' },
    { row: 2502, message: '/members/1/name: must not contain NUL characters or unpaired surrogates' },
  ])
  t.equal(await persons(), before + 2998 * 3)
})

t.test('a household the database refuses is reported by its row, and the rest of its chunk goes in', async (t) => {
  // A rule the service does not know of, as a DBA might add one.
  await sql`alter table households add constraint address_not_withheld check (address <> '待核实')`.execute(db)
  t.teardown(() => sql`alter table households drop constraint address_not_withheld`.execute(db))
  const before = await persons()
  const lines = Array.from({ length: 40 }, (_, index) => JSON.stringify(family(5000 + index)))
  lines[26] = JSON.stringify({ ...family(5026), address: '待核实' })
  const job = await importFile('application/x-ndjson', lines.join('\n'))
  t.equal(job.status, 'succeeded', JSON.stringify(job.error))
  t.match(job.result, { households: 39 })
  t.same(job.result.errors, [{ row: 27, message: 'refused by the database: SQLSTATE 23514, constraint address_not_withheld' }])
  t.equal(await persons(), before + 39 * 3)
})

t.test('a job stopped half-way says how far it got, and the same file again completes it without duplicates', async (t) => {
  // The database drops the import's connection at household 2001, the first of a chunk (2500 households go in chunks of 125).
  await sql`
    create function stop_import() returns trigger language plpgsql as $$
    begin
      if new.address = '8000号' then raise exception 'terminating connection due to administrator command' using errcode = 'admin_shutdown'; end if;
      return new;
    end $$`.execute(db)
  await sql`create trigger stop_import before insert on households for each row execute function stop_import()`.execute(db)
  const before = await persons()
  const lines = Array.from({ length: 2500 }, (_, index) => JSON.stringify(family(6000 + index)))
  const file = lines.join('\n')
  const stopped = await importFile('application/x-ndjson', file)
  t.equal(stopped.status, 'failed')
  t.equal(stopped.error, 'the import stopped at row 2001, with 2000 of 2500 households written: the database connection was lost. '
    + 'Import the same file again to finish it: the households already written are skipped.')
  t.equal(await persons(), before + 2000 * 3, 'the chunks before it are in')

  await sql`drop trigger stop_import on households`.execute(db)
  const finished = await importFile('application/x-ndjson', file)
  t.equal(finished.status, 'succeeded')
  t.match(finished.result, { households: 500, inserted: 1500, skipped: 6000, errors: [] })
  t.equal(await persons(), before + 2500 * 3, 'every household once')
  const duplicates = await sql<{ n: number }>`
    select count(*)::int as n from (select id_number_index from persons group by id_number_index having count(*) > 1) twice`.execute(db)
  t.equal(duplicates.rows[0]!.n, 0, 'no ID number twice')
})

t.test('no answer, job or log line quotes an ID number of the files', async (t) => {
  // Every ID number refused above, and the file's rows a refusal could have quoted.
  const said = await everythingSaid()
  t.ok(logLines.length > 10, `${logLines.length} log lines read`)
  for (const idNumber of [strayQuoteId, nulId, strayQuoteId.slice(6), idNumberFor('1988-01-08', 'female', 802)]) {
    t.notOk(said.includes(idNumber), `${idNumber.slice(0, 6)}… is not quoted anywhere`)
  }
  t.notOk(said.includes('1987-01-08') || said.includes('19870108'), 'nor the birth date it holds')
})

t.test('refusals of ID numbers name the rule and the positions, not the digits', async (t) => {
  const body = couple(village, 71)
  const idNumber = body.members[0]!.idNumber
  const cases = [
    { idNumber: `${idNumber.slice(0, 17)}${idNumber[17] === '1' ? '2' : '1'}` },
    { idNumber: `990102${idNumber.slice(6)}` },
    { birthDate: '1945-01-02' },
    { idNumber: `${idNumber.slice(0, 6)}19451301${idNumber.slice(14)}` },
  ]
  for (const change of cases) {
    const refused = await api.call(registrar, 'POST', '/v1/households', { ...body, members: [{ ...body.members[0]!, ...change }, ...body.members.slice(1)] })
    t.equal(refused.status, 422)
    const text = JSON.stringify(refused.body)
    for (const part of [idNumber.slice(0, 6), idNumber.slice(6, 14), '19451301', '1945-01-01', '990102']) t.notOk(text.includes(part), `${refused.body.code} does not quote ${part}`)
  }
})
