import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { recordset, type RecordColumns } from '../../src/db/recordset.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'

const COLUMNS: RecordColumns = { name: 'text', count: 'int', note: 'text', extra: 'jsonb' }

t.test('rows sent as one parameter come back as they were, whatever they share, on either engine', async (t) => {
  const database = serverUrl ? await openDatabase({ url: await emptyServerDatabase(t), poolSize: 1 }) : await openDatabase({})
  t.teardown(() => database.close())
  const { db } = database
  const readBack = async (rows: Array<Record<string, unknown>>) => {
    const set = recordset(rows, COLUMNS, 'r')
    const { rows: found } = await sql<{ name: string | null, count: number | null, note: string | null, extra: unknown }>`
      select ${set.column('name')} as name, ${set.column('count')} as count, ${set.column('note')} as note, ${set.column('extra')} as extra
        from ${set.from}`.execute(db)
    return found.map((row) => ({ ...row, count: row.count === null ? null : Number(row.count) }))
  }

  const differing = [
    { name: '张明', count: 1, note: null, extra: { a: 1 } },
    { name: '李红', count: 2, note: 'x', extra: { a: 2 } },
    { name: '王刚', count: 3, note: null, extra: null },
  ]
  t.same(await readBack(differing), differing, 'every column differing: each row as sent')

  const sharing = [
    { name: '张明', count: 7, note: null, extra: { a: 1, b: ['x'] } },
    { name: '李红', count: 7, note: null, extra: { a: 1, b: ['x'] } },
  ]
  t.same(await readBack(sharing), sharing, 'a number, a null and an object shared: each row still carries them')

  const one = [{ name: '赵敏', count: 0, note: '备注', extra: { deep: { n: 1 } } }]
  t.same(await readBack(one), one, 'one row: back as sent')

  t.same(await readBack([{ name: 'a', count: 1 }, { name: 'a', count: 1 }]), [
    { name: 'a', count: 1, note: null, extra: null }, { name: 'a', count: 1, note: null, extra: null },
  ], 'two rows alike in every column: two rows back; a column a row leaves out is null')

  t.same(await readBack([]), [], 'no rows: none back')

  t.same(await readBack([{ name: 'a', count: 1, extra: { a: 1 } }, { name: 'a', count: 1, extra: { a: 1, b: 2 } }]).then((rows) => rows.map((row) => row.extra)),
    [{ a: 1 }, { a: 1, b: 2 }], 'objects that differ in one key are sent row by row')

  const compiled = recordset([{ name: 'a', count: 1, extra: { n: 1 } }, { name: 'b', count: 1, extra: { n: 1 } }], COLUMNS, 'r').from.compile(db)
  t.same(compiled.parameters.map((value) => typeof value === 'string' ? JSON.parse(value) : value), [[{ name: 'a' }, { name: 'b' }]],
    'the document carries only the column that differs')
  t.same(recordset(one, COLUMNS, 'r').from.compile(db).parameters.map((value) => JSON.parse(String(value))), [one], 'one row goes whole in the document')
  t.throws(() => recordset(differing, COLUMNS, 'r').column('missing'), /no column missing/, 'a column not declared is refused')
})
