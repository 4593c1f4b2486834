import type { Kysely } from 'kysely'
import type { Test } from 'tap'
import type { DB } from '../../src/db/types.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'

/**
 * What a test file ends on (issue 11): every status change of every case has exactly one
 * audit row. A case's audit rows, in the order written, must form one unbroken chain of
 * its states — the first from none to `registered`, each next from the state the one
 * before ended in — ending in the state the case is in now: a change without its row
 * breaks the chain, and so does a row written twice. The timeline read for a case is
 * these rows (case_steps), so it names the same officers. And the whole trail verifies.
 */
export async function checkTrail (t: Test, db: Kysely<DB>): Promise<void> {
  const cases = await db.selectFrom('cases').select(['id', 'status']).execute()
  const audited = await db.selectFrom('audit_events').select(['entity_id', 'action', 'from_status', 'to_status'])
    .where('entity_type', '=', 'case').orderBy('seq').execute()
  const trails = new Map<string, typeof audited>()
  for (const row of audited) trails.set(row.entity_id, [...(trails.get(row.entity_id) ?? []), row])
  t.ok(cases.length > 0, 'the file made cases')
  t.same([...trails.keys()].sort(), cases.map((each) => each.id).sort(), 'every case has audit rows, and no audit row names a case that is not there')
  const broken = cases.flatMap(({ id, status }) => {
    const states = (trails.get(id) ?? []).map((row) => [row.from_status, row.to_status] as const)
    const unbroken = states.every(([from], index) => from === (index === 0 ? null : states[index - 1]![1]))
    return unbroken && states[0]?.[1] === 'registered' && states.at(-1)?.[1] === status ? [] : [{ id, status, states }]
  })
  t.same(broken, [], 'each case: one audit row per change of state, from registration to the state it is in')
  const steps = await db.selectFrom('case_steps').select(['case_id', 'action', 'to_status']).orderBy('id').execute()
  t.same(steps.map((step) => [step.case_id, step.action, step.to_status]), audited.map((row) => [row.entity_id, row.action, row.to_status]),
    'the timelines are the audit rows, in their order')
  const verified = await verifyAuditTrail(db)
  t.ok(verified.valid, 'and the trail verifies')
}
