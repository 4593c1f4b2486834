import { inTransaction } from '../../db/transaction.js'
import type { JobRun } from '../jobs/define.js'
import { formatFen } from '../money.js'
import { programForCases, ruleSetFor } from '../programs/service.js'
import { generateBatch } from './generate.js'
import type { BatchInput } from './jobs.js'
import { periodOf } from './periods.js'

/** The batch job's work: the batch, made in one transaction, and what it holds. */
export async function makeBatch ({ job, input, db, acting, progress }: JobRun<BatchInput>) {
  const ruleSet = await ruleSetFor(db, input.programCode, input.ruleVersion)
  const { subject } = await programForCases(db, input.programCode)
  await progress(0, 1)
  const made = await inTransaction(db, async (trx) => {
    const period = periodOf(input.period, input.programCode, ruleSet.amounts, await acting.clock.today(trx))
    return generateBatch(trx, acting, { ruleSet, subject, period, regionCode: input.regionCode }, job.id)
  })
  await progress(1, 1)
  return {
    batchId: made.batchId,
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    period: input.period,
    regionCode: input.regionCode,
    count: made.count,
    total: formatFen(made.totalFen),
    notPayable: made.notPayable,
    // With no batch to list them, the first thousand are named here; notPayable counts them all.
    ...(made.notPayablePersonIds ? { notPayablePersonIds: made.notPayablePersonIds.slice(0, 1000) } : {}),
    ...(made.batchId ? { batch: `/v1/payment-batches/${made.batchId}` } : {}),
  }
}

