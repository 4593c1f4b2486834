import type { Kysely, Transaction } from 'kysely'
import { CommitGroups, groupsPerDatabase } from '../../db/commit-groups.js'
import { inTransaction } from '../../db/transaction.js'
import type { CaseStatus, DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import { attemptTransition, type Attempt } from '../state/machine.js'
import { CASE, type CaseAction } from './case-machine.js'
import type { LockedCase } from './repo.js'
import type { CaseTransition } from './schemas.js'
import { casesWithTimeline, type CaseWithTimeline } from './views.js'

/**
 * The groups of steps one instance takes at once: two measured better than one in first
 * rounds (bench/transitions.ts, docs/scaling.md), a group's round trips overlapping the other's.
 */
const STEP_GROUPS_AT_ONCE = 2

/** One officer's step on one case, as asked. */
interface StepAsked { acting: Acting, id: string, input: CaseTransition }

/**
 * Steps asked at the same moment on one instance are taken together (CommitGroups): one
 * transaction, each step checked and written in turn with its own officer, audit row and
 * timeline entry, then the cases moved read in one statement for each officer's region,
 * one commit and one seal. A refused step writes nothing and the others go on; a group
 * that cannot commit is taken again step by step.
 */
const stepGroupsOf = groupsPerDatabase((db) => new CommitGroups<StepAsked, CaseWithTimeline | undefined>({
  atOnce: STEP_GROUPS_AT_ONCE,
  most: 100,
  together: (steps) => inTransaction(db, async (trx) => {
    const locked = await lockedByScope(trx, steps)
    const outcomes: Array<Attempt<CaseStatus>> = []
    const taken = new Set<string>()
    for (const { acting, id, input } of steps) {
      // A case a step of this group has already written is locked again, as it now stands.
      const row = locked.get(acting.scope)!.get(id)
      const lockedAlready = taken.has(id) ? undefined : row ? [row] : []
      taken.add(id)
      outcomes.push(await attemptTransition(trx, CASE, acting, id, input.action as CaseAction, { reason: input.reason ?? null, findings: input.findings ?? null }, lockedAlready))
    }
    const found = await byScope(steps.filter((_, index) => 'value' in outcomes[index]!), (ids, acting) => casesWithTimeline(trx, acting.scope, ids))
    return steps.map((step, index) => {
      const outcome = outcomes[index]!
      return 'refused' in outcome ? outcome : { value: found.get(step.acting.scope)!.get(step.id) }
    })
  }),
}))

/** The cases of a group's steps locked, one statement for each officer's region. */
function lockedByScope (trx: Transaction<DB>, steps: StepAsked[]): Promise<Map<string, Map<string, LockedCase>>> {
  return byScope(steps, async (ids, acting) => new Map((await CASE.lock(trx, ids, acting)).map((row) => [row.id, row])))
}

/** What one statement answers for each region of the steps' officers (read as the region's first officer), by region. */
async function byScope<T> (steps: StepAsked[], read: (ids: string[], acting: Acting) => Promise<T>): Promise<Map<string, T>> {
  const scopes = new Map<string, { acting: Acting, ids: Set<string> }>()
  for (const { acting, id } of steps) {
    const scope = scopes.get(acting.scope) ?? scopes.set(acting.scope, { acting, ids: new Set() }).get(acting.scope)!
    scope.ids.add(id)
  }
  const found = new Map<string, T>()
  for (const [scope, { acting, ids }] of scopes) found.set(scope, await read([...ids], acting))
  return found
}

/** One officer's step on one case, taken in a group with the steps asked at the same moment; the case as it then stands, or undefined if it is not there. */
export function takeTogether (db: Kysely<DB>, step: StepAsked): Promise<CaseWithTimeline | undefined> {
  return stepGroupsOf(db).submit(step)
}
