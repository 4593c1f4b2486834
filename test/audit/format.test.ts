import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { sql, type Kysely } from 'kysely'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js'
import type { DB } from '../../src/db/types.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'
import { answersAfter, asSuperuser, exportText, runVerifier, scratch, standalone } from './support.js'

const { blockHash, rowBytesV1, rowBytesV2, rowHash } = standalone

const FORMAT_1_MIGRATION = '20261130060000_create_clock'

/** A database migrated up to `to` (the latest when omitted), empty of rows, dropped when the test ends. */
async function database (t: Test, to?: string): Promise<Kysely<DB>> {
  const opened = await openDatabase(serverUrl ? { url: await emptyServerDatabase(t) } : {})
  t.teardown(() => opened.close())
  if (to) {
    const { error } = await createMigrator(opened.db).migrateTo(to)
    if (error) throw error
  } else {
    await migrateToLatest(opened.db)
  }
  return opened.db
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest()

t.test('the worked example of docs/audit.md, recomputed', async (t) => {
  const doc = await readFile(new URL('../../docs/audit.md', import.meta.url), 'utf8')
  const example = doc.slice(doc.indexOf('### Worked example'), doc.indexOf('## The export'))
  const blocks = [...example.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1], body: match[2]! }))
  const [rowLine, blockLine] = blocks.find((block) => block.lang === 'ndjson')!.body.trim().split('\n')
  const row = JSON.parse(rowLine!)
  const block = JSON.parse(blockLine!)
  // The field-by-field bytes: the hex groups at the start of each line, up to the comment.
  const bytes = blocks[1]!.body.split('\n').filter((line) => /^[0-9a-f]/.test(line))
    .map((line) => line.split(/\s{2,}/)[0]!.replaceAll(' ', '')).join('')
  const named = (label: string) => new RegExp(`${label} = .*\`([0-9a-f]{64})\`$`, 'm').exec(example)![1]
  const formatOneText = blocks[2]!.body.trim()

  t.equal(rowBytesV2(row).toString('hex'), bytes, 'the bytes, as the verifier builds them')
  t.equal(sha256(rowBytesV2(row)).toString('hex'), named('- row_hash'))
  t.equal(rowHash(row)!.toString('hex'), row.rowHash)
  t.equal(sha256(Buffer.from(row.rowHash, 'hex')).toString('hex'), named('- rows_digest'))
  t.equal(block.rowsDigest, named('- rows_digest'))
  t.equal(block.rowHashes, row.rowHash)
  t.equal(blockHash(block)!.toString('hex'), named('- block hash'))
  t.equal(block.hash, named('- block hash'))
  t.equal(rowBytesV1(row).toString('utf8'), formatOneText)
  t.equal(rowHash({ ...row, hashVersion: 1 })!.toString('hex'), named('- format 1 row_hash'))

  // And as the database computes them.
  const db = await database(t)
  const record = sql`jsonb_populate_record(null::audit_events, ${JSON.stringify({
    seq: row.seq, txid: row.txid, occurred_at: row.occurredAt, entity_type: row.entityType, entity_id: row.entityId, action: row.action,
    from_status: row.fromStatus, to_status: row.toStatus, actor_kind: row.actorKind, actor_id: row.actorId, actor_name: row.actorName,
    actor_role: row.actorRole, actor_region: row.actorRegion, region_code: row.regionCode, reason: row.reason, request_id: row.requestId,
    changes: JSON.parse(row.changes),
  })}::jsonb)`
  const { rows: [computed] } = await sql<{ v2: string, v1: string, changes: string, block: string }>`
    select encode(audit_row_hash_v2(r), 'hex') as v2, encode(audit_row_hash(r), 'hex') as v1, r.changes::text as changes,
           encode(audit_block_hash_v2(decode(${block.prevHash}, 'hex'), decode(${block.rowsDigest}, 'hex'), ${block.lane}, ${block.laneSeq},
                  ${block.firstSeq}, ${block.lastSeq}, ${block.rowCount}, ${block.txid}::xid8), 'hex') as block
      from ${record} r
  `.execute(db)
  t.equal(computed!.changes, row.changes, 'the changes text is the canonical jsonb text')
  t.equal(computed!.v2, row.rowHash, 'the database\'s format 2 row hash')
  t.equal(computed!.v1, named('- format 1 row_hash'), 'the database\'s format 1 row hash')
  t.equal(computed!.block, block.hash, 'the database\'s block hash')

  // As a whole export, it verifies.
  const lanes = Array.from({ length: 32 }, (_, lane) => JSON.stringify({
    type: 'lane', lane, blockCount: lane === 0 ? 1 : 0, headHash: lane === 0 ? block.hash : '0'.repeat(64),
  }))
  const file = await (await scratch(t))('example.ndjson', [
    JSON.stringify({ type: 'trail', format: 'huimin-audit-export/1', scope: '420102', since: null, exportedAt: '2026-12-01T02:05:00.000Z' }),
    rowLine, blockLine, ...lanes, JSON.stringify({ type: 'end', rows: 1, blocks: 1, lanes: 32 }),
  ].join('\n') + '\n')
  const tool = await runVerifier(file)
  t.equal(tool.code, 0, tool.stderr)
  t.match(tool.result, { valid: true, rowsChecked: 1, blocksChecked: 1 })
})

/** Values that the record text format quotes, or must not. */
const AWKWARD: Array<Record<string, string | null>> = [
  { entity_id: '', reason: '"quoted" \\back\\slash (paren), comma', changes: '{"a": "x\\"y", "b": [1.50, null, true], "长": {"z": "\\\\n"}}' },
  { entity_id: 'tab\there', reason: 'line\nfeed\rreturn\vvertical\fform', changes: '{}' },
  { entity_id: '欧阳　娜娜', reason: 'no\u00a0break space', changes: null, actor_role: null },
  { entity_id: ' leading', reason: '', changes: '{"emoji": "😀", "escaped": "\\u0001"}' },
  { entity_id: 'plain', reason: null, changes: '[]' },
]

async function writeAwkwardRows (db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const row of AWKWARD) {
      await sql`
        insert into audit_events (entity_type, entity_id, action, actor_kind, actor_id, actor_name, actor_role, actor_region, region_code, reason, request_id, changes, row_hash)
        values ('region', ${row.entity_id}, 'update', 'officer', '00000000-0000-4000-8000-00000000000a', '审计（"员"）', ${'actor_role' in row ? row.actor_role : 'auditor'},
                '420102', '420102.001', ${row.reason}, ${'req,1'}, ${row.changes}::jsonb, '\\x00')
      `.execute(trx)
    }
  })
  // A transaction of its own for each awkward row too: blocks of one row.
  for (const row of AWKWARD.slice(0, 2)) {
    await sql`
      insert into audit_events (entity_type, entity_id, action, actor_kind, actor_name, region_code, reason, changes, row_hash)
      values ('region', ${row.entity_id}, 'create', 'system', 'huimin', '420102', ${row.reason}, ${row.changes}::jsonb, '\\x00')
    `.execute(db)
  }
}

t.test('format 1 rows written before the migration still verify, beside format 2 rows, with both verifiers', async (t) => {
  const db = await database(t, FORMAT_1_MIGRATION)
  await writeAwkwardRows(db)
  await migrateToLatest(db)
  await writeAwkwardRows(db)
  const versions = await sql<{ hash_version: number, rows: number, blocks: number }>`
    select e.hash_version, count(*) as rows, count(distinct b.txid) as blocks
      from audit_events e join audit_blocks b on b.txid = e.txid and b.hash_version = e.hash_version
     group by e.hash_version order by e.hash_version
  `.execute(db)
  t.same(versions.rows, [{ hash_version: 1, rows: 7, blocks: 3 }, { hash_version: 2, rows: 7, blocks: 3 }], 'three blocks of each format')

  const service = await verifyAuditTrail(db)
  t.match(service, { valid: true, rowsChecked: 14, blocksChecked: 6, firstBroken: null })
  const write = await scratch(t)
  const tool = await runVerifier(await write('both-formats.ndjson', await exportText(db)))
  t.equal(tool.code, 0, tool.stderr)
  t.same(tool.result, service, 'the standalone verifier reproduces every hash of both formats')

  const [first, second] = (await db.selectFrom('audit_events').select(['seq', 'txid']).where('hash_version', '=', 1).orderBy('seq').limit(2).execute())
  const formatOneCases = [
    { name: 'format 1 row altered', expected: { problem: 'row_altered', seq: second!.seq }, statements: [sql`update audit_events set reason = 'x' where seq = ${second!.seq}`] },
    {
      name: 'format 1 row altered, its hash recomputed',
      expected: { problem: 'block_mismatch', seq: first!.seq },
      statements: [sql`update audit_events set reason = 'x' where seq = ${second!.seq}`, sql`update audit_events e set row_hash = audit_row_hash_of(e) where seq = ${second!.seq}`],
    },
    { name: 'format 1 row deleted', expected: { problem: 'rows_missing', seq: second!.seq }, statements: [sql`delete from audit_events where seq = ${second!.seq}`] },
  ]
  for (const each of formatOneCases) {
    const answers = await answersAfter(db, write, each.name, (trx) => asSuperuser(trx, ...each.statements))
    t.match(answers.service.firstBroken, each.expected, each.name)
    t.equal(answers.tool.code, 1, answers.tool.stderr)
    t.same(answers.tool.result, answers.service, `${each.name}: the same answer`)
  }
})
