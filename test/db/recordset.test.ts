import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { recordset, type RecordColumn } from '../../src/db/recordset.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'

const COLUMNS: readonly RecordColumn[] = [['id', 'uuid'], ['action', 'text'], ['reason', 'text'], ['changes', 'jsonb'], ['n', 'int']]

t.test('rows come back as given, whichever columns are the same in every row, on either engine', async (t) => {
  const database = serverUrl ? await openDatabase({ url: await emptyServerDatabase(t), poolSize: 1 }) : await openDatabase({})
  t.teardown(() => database.close())
  const rowsOf = async (records: Array<Record<string, unknown>>) => {
    const rows = recordset(records, COLUMNS, 'r')
    const [id, action, reason, changes, n] = COLUMNS.map(([name]) => rows.column(name))
    const { rows: found } = await sql<Record<string, unknown>>`
      select ${id} as id, ${action} as action, ${reason} as reason, ${changes} as changes, ${n} as n from ${rows.from}`.execute(database.db)
    return found.sort((a, b) => String(a.id).localeCompare(String(b.id)))
  }
  const byId = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.id).localeCompare(String(b.id)))
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()].sort()

  const one = [{ id: a, action: 'suspend', reason: null, changes: { personId: a }, n: 1 }]
  t.same(await rowsOf(one), one, 'one row: every column a single value')

  const sameButId = [a, b, c].map((id) => ({ id, action: 'resume', reason: '核查完毕', changes: { programCode: 'RURAL_REWARD' }, n: 7 }))
  t.same(await rowsOf(sameButId), sameButId, 'three rows differing only in id')

  const differing = [
    { id: a, action: 'suspend', reason: null, changes: null, n: 1 },
    { id: b, action: 'suspend', reason: '待核实', changes: { personId: b }, n: 2 },
    { id: c, action: 'resume', reason: null, changes: null, n: 3 },
  ]
  t.same(await rowsOf(differing), byId(differing), 'rows differing in every column, nulls among them')

  const twins = [{ id: a, action: 'x', reason: null, changes: null, n: 1 }, { id: a, action: 'x', reason: null, changes: null, n: 1 }]
  t.same(await rowsOf(twins), twins, 'two rows the same in every column are still two rows')
})

t.test('a column the records do not name is an error in the code, not a null', async (t) => {
  t.throws(() => recordset([{ id: 'x' }], COLUMNS, 'r').column('missing'), /no column missing/)
})
