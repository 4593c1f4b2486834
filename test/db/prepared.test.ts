import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'

const skip = serverUrl ? false : 'prepared statements are PostgreSQL connections\''

/** The statements prepared on the pool's one connection, as PostgreSQL lists them. */
async function preparedOn (db: Awaited<ReturnType<typeof openDatabase>>['db']): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`.execute(db)
  return rows.map((row) => row.statement)
}

t.test('a statement with parameters is prepared once on its connection and then run by name', { skip }, async (t) => {
  const url = await emptyServerDatabase(t)
  const database = await openDatabase({ url, poolSize: 1 })
  t.teardown(() => database.close())
  const { db } = database
  for (const n of [1, 2, 3, 4, 5, 6, 7]) {
    const { rows } = await sql<{ n: number }>`select ${n}::int + 1 as n`.execute(db)
    t.equal(rows[0]!.n, n + 1, `run ${n} answers with its own parameter`)
  }
  t.same(await preparedOn(db), ['select $1::int + 1 as n'], 'seven runs, one prepared statement')
  await sql`select ${'a'}::text as a`.execute(db)
  t.same(await preparedOn(db), ['select $1::int + 1 as n', 'select $1::text as a'], 'another text is another statement')
  await sql.raw('select 1 as one').execute(db)
  t.equal((await preparedOn(db)).length, 2, 'a statement without parameters is not prepared')
})

t.test('a statement whose result columns a migration changed runs again, unnamed, instead of failing', { skip }, async (t) => {
  const url = await emptyServerDatabase(t)
  const database = await openDatabase({ url, poolSize: 1 })
  t.teardown(() => database.close())
  const { db } = database
  await sql`create table things (id int primary key, name text)`.execute(db)
  await sql`insert into things values (1, 'one')`.execute(db)
  const read = () => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db)
  t.same((await read()).rows, [{ id: 1, name: 'one' }])
  await sql`alter table things add column note text`.execute(db)
  t.same((await read()).rows, [{ id: 1, name: 'one', note: null }], 'the new column is read, not refused')
  t.same((await read()).rows, [{ id: 1, name: 'one', note: null }], 'and again, unnamed from now on')

  // Inside a transaction the refusal fails the transaction, with PostgreSQL's own error.
  const other = () => sql<Record<string, unknown>>`select * from things where id > ${1}`.execute(db)
  await other()
  await sql`alter table things drop column note`.execute(db)
  await t.rejects(db.transaction().execute(async (trx) => {
    await sql`select * from things where id > ${1}`.execute(trx)
  }), /cached plan must not change result type/)
  t.same((await other()).rows, [], 'outside the transaction it runs again')
})
