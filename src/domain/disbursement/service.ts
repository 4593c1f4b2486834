import type { Kysely } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { decodeCursor, isInteger, isUuid, toPage } from '../../http/paging.js'
import { recordAudit } from '../audit/record.js'
import type { AmountSettings } from '../eligibility/amounts.js'
import type { Acting } from '../identity/acting.js'
import { enqueueJob } from '../jobs/define.js'
import type { JobRow } from '../jobs/repo.js'
import { formatFen, toFen } from '../money.js'
import { ruleSetFor } from '../programs/service.js'
import { levelOf } from '../regions/scope.js'
import { requireRegion } from '../regions/service.js'
import { maskName, type PiiVault } from '../registry/pii.js'
import { transition } from '../state/machine.js'
import { BATCH, type BatchAction } from './batch-machine.js'
import { allocationExists, allocationScope, batchNotFound, periodNotFunded, programNotPayable } from './errors.js'
import { sharesOf } from './generate.js'
import { BATCH_GENERATION, type BatchInput } from './jobs.js'
import { periodOf } from './periods.js'
import { allocationRows, batchRows, notPayableRows, paymentRows, type BatchRow } from './repo.js'
import type { Batch, BatchCreate, BatchListQuery, BatchTransition, FundAllocation, FundAllocationCreate, FundAllocationQuery, PaymentQuery } from './schemas.js'
import { toAllocation, toBatch, toPayment } from './views.js'

function isUniqueViolation (error: unknown): boolean {
  return (error as { code?: string }).code === '23505'
}

/** Records what a source gives a programme for a year: the district's budget, so by an officer of the whole district. */
export async function allocateFunds (db: Kysely<DB>, acting: Acting, input: FundAllocationCreate): Promise<FundAllocation> {
  if (levelOf(acting.scope) !== 'district') throw allocationScope()
  await ruleSetFor(db, input.programCode)
  const id = await inTransaction(db, async (trx) => {
    const row = await trx.insertInto('fund_allocations').values({
      program_code: input.programCode,
      year: input.year,
      source: input.source,
      amount_fen: toFen(input.amount),
      region_code: acting.scope,
      created_by: acting.actor.kind === 'officer' ? acting.actor.id : null,
      created_at: acting.clock.sql,
    }).returning('id').executeTakeFirstOrThrow().catch((error: unknown) => {
      throw isUniqueViolation(error) ? allocationExists(input.programCode, input.year, input.source) : error
    })
    await recordAudit(trx, acting, {
      entityType: 'fund_allocation',
      entityId: row.id,
      action: 'create',
      regionCode: acting.scope,
      changes: { programCode: input.programCode, year: input.year, source: input.source, amount: input.amount },
    })
    return row.id
  })
  return toAllocation((await allocationRows(db, acting.scope, {})).find((row) => row.id === id)!)
}

export async function listAllocations (db: Kysely<DB>, acting: Acting, query: FundAllocationQuery & { limit: number }) {
  const rows = await allocationRows(db, acting.scope, {
    programCode: query.program, year: query.year, afterId: decodeCursor(query.cursor, isUuid), limit: query.limit + 1,
  })
  return toPage(rows, query.limit, (row) => row.id, toAllocation)
}

/**
 * Queues a batch (DESIGN §6) for the programme's active rule version, a period the
 * programme pays by and that has begun, and a region of the caller's (their whole
 * region by default). The job makes it; its result holds batchId.
 */
export async function requestBatch (db: Kysely<DB>, acting: Acting, input: BatchCreate): Promise<JobRow> {
  const ruleSet = await ruleSetFor(db, input.programCode)
  const per = (ruleSet.amounts as AmountSettings).per
  if (per === 'claim' || per === 'none') throw programNotPayable(input.programCode, per)
  const period = periodOf(input.period, input.programCode, ruleSet.amounts, await acting.clock.today())
  if (sharesOf(ruleSet, period).length === 0) throw periodNotFunded(input.programCode, period.start)
  const regionCode = input.regionCode === undefined ? acting.scope : (await requireRegion(db, input.regionCode, acting.scope)).code
  const job: BatchInput = { programCode: ruleSet.programCode, ruleVersion: ruleSet.version, period: input.period, regionCode }
  return enqueueJob(db, acting, BATCH_GENERATION, job, { regionCode })
}

/** The batch in the caller's region, or its 404. */
export async function findBatch (db: Kysely<DB>, acting: Acting, id: string): Promise<BatchRow> {
  const [row] = await batchRows(db, acting.scope, { ids: [id] })
  if (!row) throw batchNotFound(id)
  return row
}

export async function getBatch (db: Kysely<DB>, acting: Acting, id: string): Promise<Batch> {
  return toBatch(await findBatch(db, acting, id))
}

export async function listBatches (db: Kysely<DB>, acting: Acting, query: BatchListQuery & { limit: number }) {
  const rows = await batchRows(db, acting.scope, { programCode: query.program, status: query.status, afterId: decodeCursor(query.cursor, isUuid), limit: query.limit + 1 })
  return toPage(rows, query.limit, (row) => row.id, toBatch)
}

/** One step on a batch, on the batch machine; the batch as it then stands. */
export async function takeBatchStep (db: Kysely<DB>, acting: Acting, id: string, input: BatchTransition): Promise<Batch> {
  await inTransaction(db, (trx) => transition(trx, BATCH, acting, id, input.action as BatchAction, { reason: input.reason ?? null }))
  return getBatch(db, acting, id)
}

export async function listPayments (db: Kysely<DB>, vault: PiiVault, acting: Acting, id: string, query: PaymentQuery & { limit: number }) {
  const batch = await findBatch(db, acting, id)
  const rows = await paymentRows(db, batch.id, { status: query.status, afterSeq: decodeCursor(query.cursor, isInteger), limit: query.limit + 1 })
  return toPage(rows, query.limit, (row) => row.seq, (row) => toPayment(row, batch.sources, vault, acting.actor))
}

export async function listNotPayable (db: Kysely<DB>, acting: Acting, id: string, query: { limit: number, cursor?: string | undefined }) {
  const batch = await findBatch(db, acting, id)
  const rows = await notPayableRows(db, batch.id, { afterSeq: decodeCursor(query.cursor, isInteger), limit: query.limit + 1 })
  return toPage(rows, query.limit, (row) => row.seq, (row) => ({
    personId: row.person_id, caseId: row.case_id, name: maskName(row.name), regionCode: row.region_code, amount: formatFen(row.amount_fen),
  }))
}

/** Every allocation of a year the caller's budget holds, with what was spent of it: what a report lists. */
export async function allocationsOfYear (db: Kysely<DB>, acting: Acting, year: number): Promise<FundAllocation[]> {
  return (await allocationRows(db, acting.scope, { year })).map(toAllocation)
}
