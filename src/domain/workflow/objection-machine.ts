import { sql, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB, ObjectionStatus } from '../../db/types.js'
import { notFound } from '../entities.js'
import { systemActing, type Acting } from '../identity/acting.js'
import { inSubtree } from '../regions/scope.js'
import { defineMachine, transitionMany, type Changed } from '../state/machine.js'
import { CASE } from './case-machine.js'
import { BENEFICIARY_STATES, OPEN_STATES } from './steps.js'

export interface LockedObjection {
  id: string
  status: ObjectionStatus
  region_code: string
  case_id: string
  case_status: string
}

function lockObjections (trx: Transaction<DB>, ids: readonly string[], acting: Acting): Promise<LockedObjection[]> {
  return trx.selectFrom('objections as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .select(['o.id', 'o.status', 'h.region_code', 'o.case_id', 'c.status as case_status'])
    .where(idIn('o.id', ids))
    .where(inSubtree('h.region_code', acting.scope))
    .forUpdate('o')
    .execute()
}

/** Objections are decided by a reviewer or a confirmer whose region contains the case. */
const decider = (_row: LockedObjection, acting: Acting) => acting.actor.roles.includes('reviewer') ? 'reviewer' as const : 'confirmer' as const

/**
 * An objection's life (DESIGN §4): open → investigating → upheld or dismissed, each step
 * by a responsible reviewer or confirmer with a reason. While open or investigating it
 * holds its case where it stands; upheld, it rejects the case (or exits a beneficiary);
 * dismissed, it lets the case go on.
 */
export const OBJECTION = defineMachine({
  entity: 'objection',
  table: 'objections',
  steps: {
    investigate: { from: ['open'], to: 'investigating', role: decider, reasonRequired: true },
    uphold: { from: ['open', 'investigating'], to: 'upheld', role: decider, reasonRequired: true },
    dismiss: { from: ['open', 'investigating'], to: 'dismissed', role: decider, reasonRequired: true },
  },
  lock: lockObjections,
  notFound: notFound('objection'),
  columns: (to, acting) => to === 'upheld' || to === 'dismissed' ? { decided_at: acting.clock.sql } : {},
  audited: (row) => ({ caseId: row.case_id }),
  afterwards: decideCases,
})

/** An upheld objection ends its case: an open one is rejected, a beneficiary exits. The service takes that step, naming the objection. */
async function decideCases (trx: Transaction<DB>, changed: ReadonlyArray<Changed<ObjectionStatus, 'investigate' | 'uphold' | 'dismiss', LockedObjection>>, acting: Acting) {
  const upheld = changed.filter(({ to }) => to === 'upheld').map(({ row }) => row)
  if (upheld.length === 0) return
  const system = systemActing('huimin', acting.scope, acting.clock, acting.requestId)
  for (const [states, action] of [[OPEN_STATES, 'reject'], [BENEFICIARY_STATES, 'exit']] as const) {
    for (const objection of upheld.filter((row) => (states as readonly string[]).includes(row.case_status))) {
      await transitionMany(trx, CASE, system, [objection.case_id], action, { reason: `objection ${objection.id} upheld` })
    }
  }
}
