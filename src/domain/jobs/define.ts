import type { Kysely, Transaction } from 'kysely'
import type { Static, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { DB } from '../../db/types.js'
import type { Clock } from '../clock/clock.js'
import type { Acting } from '../identity/acting.js'
import type { Role } from '../identity/roles.js'
import type { PiiVault } from '../registry/pii.js'
import { insertJob, type JobRow } from './repo.js'

/** What a job's work is handed: its typed input, the requester acting again, and the means to report progress. */
export interface JobRun<Input> {
  job: JobRow
  input: Input
  db: Kysely<DB>
  /** The officer who asked for the job, acting in the role they asked in; audit rows name them. */
  acting: Acting
  vault: PiiVault
  /** Records how far the job is; also its heartbeat. */
  progress (done: number, total?: number | null): Promise<void>
}

/**
 * A failure whose message is written for the job's readers: it names rows, columns and
 * rules, never values. A job fails with its message; any other error fails it with a
 * message that says only that something unexpected happened (its own message may quote
 * the input, and the job is read by every officer of its region).
 */
export class JobFailure extends Error {
  override name = 'JobFailure'
}

/** One kind of long work: its name, the schema of its input, and the work. A thrown JobFailure fails the job with its message. */
export interface JobDefinition<Input = any> {
  kind: string
  input: TSchema
  run (run: JobRun<Input>): Promise<Record<string, unknown>>
}

/** Declares a kind of job, in the part that owns it (its jobs.ts). */
export function defineJob<Schema extends TSchema> (
  kind: string, input: Schema, run: (run: JobRun<Static<Schema>>) => Promise<Record<string, unknown>>,
): JobDefinition<Static<Schema>> {
  return { kind, input, run }
}

/** Who asked for a job, as the job keeps it: enough to act again as them. */
export interface Requester {
  kind: 'officer' | 'partner' | 'system'
  id: string | null
  name: string
  role: Role | null
  regionCode: string
  requestId: string | null
}

/**
 * Queues a job in the caller's transaction: it exists once the transaction commits,
 * and not at all if it rolls back. The input is checked against the job's schema.
 */
export async function enqueueJob<Input> (
  trx: Transaction<DB> | Kysely<DB>, acting: Acting, definition: JobDefinition<Input>, input: Input,
  options: { regionCode: string, payload?: Buffer, total?: number | null },
): Promise<JobRow> {
  if (!Value.Check(definition.input, input)) throw new Error(`${definition.kind}: input does not match its schema`)
  const requester: Requester = {
    kind: acting.actor.kind,
    id: acting.actor.id,
    name: acting.actor.name,
    role: acting.role,
    regionCode: acting.actor.regionCode,
    requestId: acting.requestId,
  }
  return insertJob(trx, {
    kind: definition.kind,
    regionCode: options.regionCode,
    requestedBy: { ...requester },
    input: input as Record<string, unknown>,
    payload: options.payload,
    total: options.total,
  })
}

/** The requester of a job, acting again in the job's region with the service's clock. */
export function actingOfJob (job: JobRow, clock: Clock): Acting {
  const requester = job.requested_by as unknown as Requester
  return {
    actor: requester.kind === 'system'
      ? { kind: 'system', id: null, name: requester.name, roles: [], regionCode: requester.regionCode }
      : { kind: requester.kind, id: requester.id!, name: requester.name, roles: requester.role ? [requester.role] : [], regionCode: requester.regionCode, tokenId: '', programs: [] },
    role: requester.role,
    scope: job.region_code,
    requestId: requester.requestId,
    clock,
  }
}

/** The job's input, if it still matches its schema (a job queued by an older release may not). */
export function inputOf<Input> (definition: JobDefinition<Input>, job: JobRow): Input {
  if (!Value.Check(definition.input, job.input)) {
    const first = [...Value.Errors(definition.input, job.input)][0]
    throw new JobFailure(`the job's input does not match ${definition.kind}'s schema${first ? ` at ${first.instancePath || '/'}` : ''}`)
  }
  return job.input as Input
}
