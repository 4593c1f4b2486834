import type { Kysely, Transaction } from 'kysely'
import { CommitGroups, groupsPerDatabase } from '../../db/commit-groups.js'
import { inTransaction } from '../../db/transaction.js'
import type { CaseStatus, DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import { attemptTransition, attemptTransitions, type Attempt, type Said } from '../state/machine.js'
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
 * transaction, each step checked with its own officer, reason, findings, audit row,
 * request and timeline entry; the steps of one officer and action on different cases in
 * one statement, as a bulk step is; then the cases moved read in one statement for each
 * officer's region, one commit and one seal. A refused step writes nothing and the
 * others go on; a group that cannot commit is taken again step by step.
 */
const stepGroupsOf = groupsPerDatabase((db) => new CommitGroups<StepAsked, CaseWithTimeline | undefined>({
  atOnce: STEP_GROUPS_AT_ONCE,
  most: 100,
  together: (steps) => inTransaction(db, async (trx) => {
    const locked = await lockedByScope(trx, steps)
    const outcomes = new Map<StepAsked, Attempt<CaseStatus>>()
    const { alike, again } = sorted(steps)
    for (const batch of alike) {
      const { acting, input } = batch[0]!
      const rows = batch.flatMap(({ id }) => locked.get(acting.scope)!.get(id) ?? [])
      const attempts = await attemptTransitions(trx, CASE, acting, batch.map(({ id }) => id), input.action as CaseAction, {
        requestIds: new Map(batch.map((step) => [step.id, step.acting.requestId])),
        own: new Map(batch.map((step) => [step.id, saidWith(step)])),
      }, rows)
      for (const step of batch) outcomes.set(step, attempts.get(step.id)!)
    }
    // A case an earlier step of this group took is locked again, as it now stands, and its later steps taken in the order asked.
    for (const step of again) {
      outcomes.set(step, await attemptTransition(trx, CASE, step.acting, step.id, step.input.action as CaseAction, saidWith(step)))
    }
    const found = await byScope(steps.filter((step) => 'value' in outcomes.get(step)!), (ids, acting) => casesWithTimeline(trx, acting.scope, ids))
    return steps.map((step) => {
      const outcome = outcomes.get(step)!
      return 'refused' in outcome ? outcome : { value: found.get(step.acting.scope)!.get(step.id) }
    })
  }),
}))

/** What the officer said with a step. */
function saidWith ({ input }: StepAsked): Said {
  return { reason: input.reason ?? null, findings: input.findings ?? null }
}

/**
 * A group's steps sorted for taking: each case's first step, those alike (one officer in
 * one role and region, one action) together; then the steps on a case asked again, in
 * the order asked.
 */
function sorted (steps: StepAsked[]): { alike: StepAsked[][], again: StepAsked[] } {
  const alike = new Map<string, StepAsked[]>()
  const again: StepAsked[] = []
  const seen = new Set<string>()
  for (const step of steps) {
    if (seen.has(step.id)) {
      again.push(step)
      continue
    }
    seen.add(step.id)
    const { acting, input } = step
    const key = JSON.stringify([acting.actor.kind, acting.actor.id, acting.actor.name, acting.role, acting.scope, input.action])
    const batch = alike.get(key)
    if (batch) batch.push(step)
    else alike.set(key, [step])
  }
  return { alike: [...alike.values()], again }
}

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
