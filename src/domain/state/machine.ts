import { sql, type RawBuilder, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB } from '../../db/types.js'
import type { ProblemError } from '../../http/problem.js'
import { auditChunks, auditInsert, type AuditEntry } from '../audit/record.js'
import type { EntityType } from '../entities.js'
import type { Acting } from '../identity/acting.js'
import { roleForbidden } from '../identity/errors.js'
import type { Role } from '../identity/roles.js'
import { reasonRequired, refusalOf, systemOnly, transitionNotAllowed, type Refusal } from './errors.js'

/** What a machine locks of each row: at least its id, status and region. */
export interface LockedRow<S extends string> {
  id: string
  status: S
  region_code: string
}

/** A check a step must pass: the refusal, or undefined when it passes. */
export type Guard<R> = (row: R, acting: Acting) => ProblemError | undefined

/**
 * Who takes a step: a role the actor must hold (the audit row names it), 'system' for a
 * step only the service takes, or null for "whichever role the caller came in with".
 */
export type StepRole = Role | 'system' | null

export interface Step<S extends string, R> {
  from: readonly S[]
  to: S
  role: StepRole | ((row: R, acting: Acting) => StepRole)
  /** Checks made before the state, in order: region level, four eyes … */
  guards?: ReadonlyArray<Guard<R>>
  /** Checks made after the state, in order: a notice still running, an open objection … */
  holds?: ReadonlyArray<Guard<R>>
  reasonRequired?: boolean
}

/** One kind of thing's states, declared once: its steps and how its rows are locked and written. */
export interface Machine<S extends string, A extends string, R extends LockedRow<S>> {
  entity: EntityType
  table: keyof DB & string
  steps: Readonly<Record<A, Step<S, R>>>
  /** The rows among ids the acting caller may see, locked FOR UPDATE, in one statement. */
  lock: (trx: Transaction<DB>, ids: readonly string[], acting: Acting) => Promise<R[]>
  /**
   * Brings locked rows up to date before the step is checked, the rows as they then
   * stand: a case whose district notice has ended becomes active first. It sees the
   * rows the lock read, so a call with nothing to settle costs no statement.
   */
  settle?: (trx: Transaction<DB>, rows: R[], acting: Acting, action: A, options: TransitionOptions) => Promise<R[]>
  /** The 404 of an id that is not there (or not in the caller's region). */
  notFound: (id: string) => ProblemError
  /** Columns written with the new status (activated_at, revoked_at …). */
  columns?: (to: S, acting: Acting, action: A) => Partial<Record<string, RawBuilder<unknown>>>
  /** What the audit row records of each row changed, besides the states. */
  audited?: (row: R) => Record<string, unknown> | null
  /**
   * Writes that go with the changed rows in the very statement that moves them and
   * writes their audit rows (the notice a case leaves taken down):
   * INSERT or UPDATE statements, each made a CTE of that statement.
   */
  alongside?: (changed: ReadonlyArray<Changed<S, A, R>>, acting: Acting, options: TransitionOptions) => Array<RawBuilder<unknown>>
  /** Set-based consequences of the changed rows, in the same transaction, after that statement (notices posted, further steps …). */
  afterwards?: (trx: Transaction<DB>, changed: ReadonlyArray<Changed<S, A, R>>, acting: Acting, options: TransitionOptions) => Promise<void>
}

/** One row a step moved, with the role its audit row names. */
export interface Changed<S extends string, A extends string, R> {
  row: R
  action: A
  to: S
  role: Role | null
}

export interface TransitionOptions {
  reason?: string | null
  /** What an officer found (an investigation's findings): kept with the step. */
  findings?: string | null
  /** Recorded in every audit row of the call, besides the machine's own. */
  changes?: Record<string, unknown>
  /**
   * Each row's own request, where steps asked in different requests are taken in one
   * call: its audit row, and those of what follows from it, name that request.
   */
  requestIds?: ReadonlyMap<string, string | null>
  /** Each row's own reason and findings, where steps asked with different ones are taken in one call (not passed on to what follows). */
  own?: ReadonlyMap<string, Said>
}

/** What the officer said with a step. */
export interface Said {
  reason: string | null
  findings: string | null
}

/** The reason and findings given with one row's step. */
export function saidOf (options: TransitionOptions, id: string): Said {
  return options.own?.get(id) ?? { reason: options.reason ?? null, findings: options.findings ?? null }
}

export interface Transitioned<S extends string> {
  id: string
  from: S
  to: S
}

/** One transition taken, or the refusal that stopped it before anything was written. */
export type Attempt<S extends string> = { value: Transitioned<S> } | { refused: ProblemError }

export interface TransitionOutcome<S extends string> {
  succeeded: Array<Transitioned<S>>
  failed: Array<Refusal & { id: string }>
}

/**
 * Declares a machine; the identity function that lets TypeScript infer its literal
 * types. Give lock as a function with typed parameters: the row type is inferred from it.
 */
export function defineMachine<S extends string, A extends string, R extends LockedRow<S>> (machine: Machine<S, A, R>): Machine<S, A, R> {
  return machine
}

function roleOf<S extends string, R> (step: Step<S, R>, row: R, acting: Acting): StepRole {
  return typeof step.role === 'function' ? step.role(row, acting) : step.role
}

/** The first refusal of one row, checked in the order DESIGN §4 gives: role, guards, state, holds; then the reason the step needs. */
function refusalFor<S extends string, A extends string, R extends LockedRow<S>> (
  machine: Machine<S, A, R>, step: Step<S, R>, action: A, row: R, acting: Acting, options: TransitionOptions,
): ProblemError | undefined {
  const role = roleOf(step, row, acting)
  if (role === 'system' && acting.actor.kind !== 'system') return systemOnly(action)
  if (role !== null && role !== 'system' && acting.actor.kind !== 'system' && !acting.actor.roles.includes(role)) {
    return roleForbidden([role], acting.actor.roles)
  }
  for (const guard of step.guards ?? []) {
    const refused = guard(row, acting)
    if (refused) return refused
  }
  if (!step.from.includes(row.status)) return transitionNotAllowed(machine.entity, row.status, action)
  for (const hold of step.holds ?? []) {
    const refused = hold(row, acting)
    if (refused) return refused
  }
  return step.reasonRequired && !saidOf(options, row.id).reason?.trim() ? reasonRequired(action) : undefined
}

/**
 * Takes many things of one kind through one action, set-based: one statement locks
 * them, each is checked on its own, and one statement moves those that pass and
 * writes an audit row for each (an UPDATE and its INSERT). The answer says, per id, the
 * change made or why none was.
 */
export async function transitionMany<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, ids: readonly string[], action: A, options: TransitionOptions = {},
): Promise<TransitionOutcome<S>> {
  const { succeeded, refused } = await move(trx, machine, acting, ids, action, options)
  return { succeeded, failed: refused.map(({ id, problem }) => ({ id, ...refusalOf(problem) })) }
}

/** Takes one thing through an action, or throws the problem that stopped it. */
export async function transition<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, id: string, action: A, options: TransitionOptions = {},
): Promise<Transitioned<S>> {
  const outcome = await attemptTransition(trx, machine, acting, id, action, options)
  if ('refused' in outcome) throw outcome.refused
  return outcome.value
}

/**
 * Takes one thing through an action, or answers the problem that stopped it. A refusal
 * is found before the step writes anything, so the transaction goes on after it (a
 * group of steps in one transaction); anything thrown leaves the transaction to be
 * rolled back.
 */
export async function attemptTransition<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, id: string, action: A, options: TransitionOptions = {},
): Promise<Attempt<S>> {
  return (await attemptTransitions(trx, machine, acting, [id], action, options)).get(id)!
}

/**
 * Takes things through an action, each passing or refused on its own, answering each
 * id's transition or refusal (transitionMany, with the refusals as thrown). The rows may
 * come locked already (by this transaction, in the caller's scope, with nothing written
 * to them since; those not there left out): the call then takes no lock of its own.
 */
export async function attemptTransitions<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, ids: readonly string[], action: A, options: TransitionOptions = {},
  lockedAlready?: R[],
): Promise<Map<string, Attempt<S>>> {
  const { succeeded, refused } = await move(trx, machine, acting, ids, action, options, lockedAlready)
  return new Map<string, Attempt<S>>([
    ...succeeded.map((value) => [value.id, { value }] as const),
    ...refused.map(({ id, problem }) => [id, { refused: problem }] as const),
  ])
}

async function move<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, ids: readonly string[], action: A, options: TransitionOptions,
  lockedAlready?: R[],
): Promise<{ succeeded: Array<Transitioned<S>>, refused: Array<{ id: string, problem: ProblemError }> }> {
  const step = machine.steps[action]
  const unique = [...new Set(ids)]
  const rows = lockedAlready ?? await machine.lock(trx, unique, acting)
  const locked = new Map((machine.settle ? await machine.settle(trx, rows, acting, action, options) : rows).map((row) => [row.id, row]))
  const passing: R[] = []
  const refused: Array<{ id: string, problem: ProblemError }> = []
  for (const id of unique) {
    const row = locked.get(id)
    const problem = row ? refusalFor(machine, step, action, row, acting, options) : machine.notFound(id)
    if (problem) refused.push({ id, problem })
    else passing.push(row!)
  }
  if (passing.length > 0) {
    const changed = passing.map((row): Changed<S, A, R> => {
      const role = roleOf(step, row, acting)
      return { row, action, to: step.to, role: role === null || role === 'system' ? acting.role : role }
    })
    await writeStatus(trx, machine, acting, changed, options)
    await machine.afterwards?.(trx, changed, acting, options)
  }
  return { succeeded: passing.map((row) => ({ id: row.id, from: row.status, to: step.to })), refused }
}

/**
 * The new status, each row's audit row and the machine's writes alongside, one statement
 * for each chunk of rows: the UPDATE, the INSERT of the rows' audit rows (written only if
 * the UPDATE moved them all: the rows are locked, so anything less is a fault, and the
 * step fails whole), and the rest as CTEs.
 */
async function writeStatus<S extends string, A extends string, R extends LockedRow<S>> (
  trx: Transaction<DB>, machine: Machine<S, A, R>, acting: Acting, changed: ReadonlyArray<Changed<S, A, R>>, options: TransitionOptions,
): Promise<void> {
  const { action, to } = changed[0]!
  const columns = Object.entries(machine.columns?.(to, acting, action) ?? {})
    .flatMap(([column, value]) => value === undefined ? [] : [sql`, ${sql.ref(column)} = ${value}`])
  for (const chunk of auditChunks(changed)) {
    const ids = chunk.map(({ row }) => row.id)
    const alongside = (machine.alongside?.(chunk, acting, options) ?? []).map((write, index) => sql`, ${sql.raw(`alongside_${index}`)} as (${write})`)
    const { numAffectedRows } = await sql`
      with moved as (
        update ${sql.table(machine.table)} as t set status = ${to}${sql.join(columns, sql``)}
         where ${idIn('t.id', ids)}
        returning t.id
      )${sql.join(alongside, sql``)}
      ${auditInsert(acting, chunk.map((each) => auditEntryOf(machine, each, options)), { cte: 'moved', rows: ids.length })}
    `.execute(trx)
    const written = Number(numAffectedRows ?? 0)
    if (written !== ids.length) throw new Error(`${machine.entity}: not all of ${ids.length} locked rows were updated`)
  }
}

function auditEntryOf<S extends string, A extends string, R extends LockedRow<S>> (
  machine: Machine<S, A, R>, { row, action, to, role }: Changed<S, A, R>, options: TransitionOptions,
): AuditEntry {
  const { reason, findings } = saidOf(options, row.id)
  return {
    entityType: machine.entity,
    entityId: row.id,
    action,
    fromStatus: row.status,
    toStatus: to,
    regionCode: row.region_code,
    reason,
    changes: { ...machine.audited?.(row), ...(findings ? { findings } : {}), ...options.changes },
    ...(role ? { role } : {}),
    ...(options.requestIds ? { requestId: options.requestIds.get(row.id) ?? null } : {}),
  }
}
