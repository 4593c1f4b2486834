import type { Kysely } from 'kysely'
import type { Test } from 'tap'
import type { DB } from '../../src/db/types.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'

/**
 * What a test file ends on (issue 11): every step on every case — each row of a case's
 * timeline — has exactly one audit row, the same action, states and actor, in the same
 * order; and the whole trail verifies.
 */
export async function checkTrail (t: Test, db: Kysely<DB>): Promise<void> {
  const steps = await db.selectFrom('case_steps').select(['case_id', 'action', 'from_status', 'to_status', 'actor_kind', 'actor_name', 'actor_role'])
    .orderBy('id').execute()
  const audited = await db.selectFrom('audit_events').select(['entity_id', 'action', 'from_status', 'to_status', 'actor_kind', 'actor_name', 'actor_role'])
    .where('entity_type', '=', 'case').orderBy('seq').execute()
  const byCase = (rows: Array<{ id: string, row: unknown[] }>) => {
    const cases = new Map<string, unknown[][]>()
    for (const { id, row } of rows) cases.set(id, [...(cases.get(id) ?? []), row])
    return cases
  }
  const timelines = byCase(steps.map((step) => ({ id: step.case_id, row: [step.action, step.from_status, step.to_status, step.actor_kind, step.actor_name, step.actor_role] })))
  const trails = byCase(audited.map((row) => ({ id: row.entity_id, row: [row.action, row.from_status, row.to_status, row.actor_kind, row.actor_name, row.actor_role] })))
  t.ok(steps.length > 0, 'the file took steps on cases')
  t.same([...trails.keys()].sort(), [...timelines.keys()].sort(), 'the cases with audit rows are the cases with steps')
  for (const [caseId, timeline] of timelines) t.same(trails.get(caseId), timeline, `case ${caseId}: one audit row per step, naming the same actor`)
  const verified = await verifyAuditTrail(db)
  t.ok(verified.valid, 'and the trail verifies')
}
