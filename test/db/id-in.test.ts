import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { idIn } from '../../src/db/id-in.js'
import { openDatabase } from '../../src/db/database.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'

t.test('one id, a few and many select exactly the rows named, on either engine', async (t) => {
  const database = serverUrl ? await openDatabase({ url: await emptyServerDatabase(t), poolSize: 1 }) : await openDatabase({})
  t.teardown(() => database.close())
  const { db } = database
  const ids = Array.from({ length: 300 }, () => randomUUID())
  await sql`create temporary table things (id uuid primary key)`.execute(db)
  await sql`insert into things select unnest(${ids}::uuid[])`.execute(db)
  const selected = async (wanted: string[]) =>
    (await sql<{ id: string }>`select id from things where ${idIn('id', wanted)} order by id`.execute(db)).rows.map((row) => row.id)
  const sorted = (values: string[]) => [...values].sort()
  t.same(await selected([ids[7]!]), [ids[7]], 'one: compared with =')
  t.same(await selected(ids.slice(0, 2)), sorted(ids.slice(0, 2)), 'two: compared with any')
  t.same(await selected(ids.slice(0, 300)), sorted(ids), 'all 300')
  t.same(await selected([...ids.slice(50, 250), randomUUID(), ids[60]!]), sorted(ids.slice(50, 250)), 'an unknown id selects nothing, a repeated one its row once')
  t.same(await selected([randomUUID(), randomUUID()]), [], 'none of these')
})
