import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { BatchStatus, DB } from '../../db/types.js'
import { recordAudit } from '../audit/record.js'
import type { AmountSettings } from '../eligibility/amounts.js'
import { systemActing, type Acting } from '../identity/acting.js'
import { formatFen } from '../money.js'
import { inSubtree } from '../regions/scope.js'
import { transition, transitionMany } from '../state/machine.js'
import { CASE } from '../workflow/case-machine.js'
import type { BankReport, ReportLine } from './bank-report.js'
import { BATCH } from './batch-machine.js'
import { bankResultsRefused, batchNotExported, batchNotFound, type BankResultCode } from './errors.js'
import { PAYMENT } from './payment-machine.js'
import type { BankResultsOutcome } from './schemas.js'
import { messageIdOf, paymentIdOf } from './views.js'

interface Problem { line: number, code: BankResultCode, message: string }

interface LockedForResults { id: string, status: BatchStatus, region_code: string, program_code: string, rule_version: number, count: number, total_fen: number, sources: string[] }

async function lockBatch (trx: Transaction<DB>, acting: Acting, id: string): Promise<LockedForResults> {
  const { rows: [batch] } = await sql<LockedForResults>`
    select id, status, region_code, program_code, rule_version, count, total_fen, sources from payment_batches b
     where id = ${id}::uuid and ${inSubtree('b.region_code', acting.scope)} for update
  `.execute(trx)
  if (!batch) throw batchNotFound(id)
  if (batch.status !== 'exported') throw batchNotExported(batch.status)
  return batch
}

/**
 * Every line the report gets wrong against the batch: a payment not in it, one settled
 * already or listed twice, an amount or a total that does not match, a report that
 * answers another message. Nothing is applied while any is found.
 */
async function checkReport (trx: Transaction<DB>, batch: LockedForResults, report: BankReport): Promise<{ problems: Problem[], settling: Array<ReportLine & { paymentId: string }> }> {
  const problems: Problem[] = [...report.problems]
  // A report that is not valid against its schema is not read further.
  if (report.format === 'pain.002' && problems.some((problem) => problem.code === 'bank_file_invalid')) return { problems, settling: [] }
  const messageId = messageIdOf(batch.id)
  if (report.format === 'pain.002' && report.answers !== messageId) {
    problems.push({ line: report.answersLine, code: 'unknown_payment', message: `The report answers message ${report.answers ?? '(none)'}; this batch's file is ${messageId}.` })
  }
  const ids = report.lines.map((line) => paymentIdOf(line.endToEndId))
  const known = new Map((await trx.selectFrom('payments').select(['id', 'status', 'amount_fen'])
    .where('batch_id', '=', batch.id).where('id', 'in', ids.filter((id): id is string => id !== null).concat(['00000000-0000-0000-0000-000000000000']))
    .execute()).map((row) => [row.id, row]))
  const seen = new Map<string, number>()
  const settling: Array<ReportLine & { paymentId: string }> = []
  report.lines.forEach((line, index) => {
    const id = ids[index]
    const payment = id ? known.get(id) : undefined
    if (!id || !payment) {
      problems.push({ line: line.line, code: 'unknown_payment', message: `${line.endToEndId} is not a payment of this batch.` })
      return
    }
    if (seen.has(id)) {
      problems.push({ line: line.line, code: 'payment_settled', message: `${line.endToEndId} is listed already, at line ${seen.get(id)}.` })
      return
    }
    seen.set(id, line.line)
    if (line.outcome !== 'open' && payment.status !== 'pending') {
      problems.push({ line: line.line, code: 'payment_settled', message: `${line.endToEndId} is ${payment.status} already: a settled payment is not settled again.` })
      return
    }
    if (line.amountFen !== null && line.amountFen !== payment.amount_fen) {
      problems.push({ line: line.line, code: 'totals_mismatch', message: `${line.endToEndId} is for ${formatFen(payment.amount_fen)}; the report says ${formatFen(line.amountFen)}.` })
    }
    if (line.outcome !== 'open') settling.push({ ...line, paymentId: id })
  })
  for (const total of report.totals) {
    const counted = total.statuses === null ? { count: batch.count, sumFen: batch.total_fen, of: 'the batch holds' } : (() => {
      const lines = report.lines.filter((line) => total.statuses!.includes(line.status))
      return {
        count: lines.length,
        sumFen: lines.reduce((sum, line) => sum + (known.get(paymentIdOf(line.endToEndId) ?? '')?.amount_fen ?? line.amountFen ?? 0), 0),
        of: `the report's ${total.statuses.join(', ')} transactions hold`,
      }
    })()
    if (total.count !== null && total.count !== counted.count) {
      problems.push({ line: total.line, code: 'totals_mismatch', message: `${total.what} counts ${total.count} transactions; ${counted.of} ${counted.count}.` })
    }
    if (total.sumFen !== null && total.sumFen !== counted.sumFen) {
      problems.push({ line: total.line, code: 'totals_mismatch', message: `${total.what} sums ${formatFen(total.sumFen)}; ${counted.of} ${formatFen(counted.sumFen)}.` })
    }
  }
  return { problems: problems.sort((a, b) => a.line - b.line), settling }
}

/**
 * Applies a bank's results to an exported batch (DESIGN §6), all or nothing: every bad
 * line refuses the whole file (422, each listed with its line); otherwise the payments
 * are settled paid or failed on the payment machine, the failures' reasons kept, the
 * batch reconciled once nothing is pending, and a one-time programme's paid cases
 * completed — in one transaction.
 */
export async function postBankResults (db: Kysely<DB>, acting: Acting, batchId: string, report: BankReport, bytes: Uint8Array): Promise<BankResultsOutcome> {
  return inTransaction(db, async (trx) => {
    const batch = await lockBatch(trx, acting, batchId)
    const { problems, settling } = await checkReport(trx, batch, report)
    if (problems.length > 0) {
      const first = problems[0]!
      throw bankResultsRefused(first.code, `The file is refused whole, nothing applied: ${problems.length} bad line${problems.length === 1 ? '' : 's'}, the first at line ${first.line}: ${first.message}`,
        problems.map((problem) => ({ path: `/body/line/${problem.line}`, message: problem.message })))
    }
    const paid = settling.filter((line) => line.outcome === 'paid')
    const failed = settling.filter((line) => line.outcome === 'failed')
    await settle(trx, acting, paid.map((line) => line.paymentId), 'pay', null)
    const byReason = new Map<string, typeof failed>()
    for (const line of failed) {
      const reason = line.reasonCode ?? line.reason ?? ''
      byReason.set(reason, [...(byReason.get(reason) ?? []), line])
    }
    for (const [reason, lines] of byReason) await settle(trx, acting, lines.map((line) => line.paymentId), 'fail', reason || 'refused by the bank')
    if (failed.length > 0) {
      await sql`
        update payments p set reason_code = f.code, reason = f.reason
          from jsonb_to_recordset(${JSON.stringify(failed.map((line) => ({ id: line.paymentId, code: line.reasonCode, reason: line.reason })))}::jsonb)
            as f (id uuid, code text, reason text)
         where p.id = f.id`.execute(trx)
      const sums = batch.sources.map((_source, index) => sql`coalesce(sum(shares_fen[${sql.lit(index + 1)}]), 0)`)
      await sql`
        update payment_batches b set failed_by_source_fen = (select array[${sql.join(sums)}]::bigint[] from payments where batch_id = b.id and status = 'failed')
         where b.id = ${batch.id}::uuid`.execute(trx)
    }
    await trx.insertInto('bank_results').values({
      batch_id: batch.id,
      format: report.format,
      message_id: report.answers,
      sha256: createHash('sha256').update(bytes).digest(),
      paid: paid.length,
      failed: failed.length,
      received_by: acting.actor.kind === 'officer' ? acting.actor.id : null,
      received_at: await acting.clock.now(trx),
    }).execute()
    await recordAudit(trx, acting, {
      entityType: 'batch',
      entityId: batch.id,
      action: 'record_bank_results',
      regionCode: batch.region_code,
      changes: { format: report.format, messageId: report.answers, paid: paid.length, failed: failed.length },
    })
    const system = systemActing('huimin', acting.scope, acting.clock, acting.requestId)
    await completeOneTimeCases(trx, system, batch, paid.map((line) => line.paymentId))
    const pending = await trx.selectFrom('payments').select('id').where('batch_id', '=', batch.id).where('status', '=', 'pending').limit(1).execute()
    let batchStatus: BatchStatus = batch.status
    if (pending.length === 0) {
      batchStatus = (await transition(trx, BATCH, system, batch.id, 'reconcile', { reason: 'every payment is settled' })).to
    }
    return { paid: paid.length, failed: failed.length, batchStatus }
  })
}

/** Settles payments on the payment machine; any refusal (a race lost) undoes the whole file. */
async function settle (trx: Transaction<DB>, acting: Acting, ids: string[], action: 'pay' | 'fail', reason: string | null): Promise<void> {
  if (ids.length === 0) return
  const outcome = await transitionMany(trx, PAYMENT, acting, ids, action, { reason })
  if (outcome.failed.length > 0) throw new Error(`payments changed while their results were applied: ${outcome.failed[0]!.code}`)
}

/** A one-time programme's case is completed once its payment is paid (DESIGN §4), by the service. */
async function completeOneTimeCases (trx: Transaction<DB>, system: Acting, batch: LockedForResults, paidIds: string[]): Promise<void> {
  if (paidIds.length === 0) return
  const version = await trx.selectFrom('rule_versions').select('amounts').where('program_code', '=', batch.program_code).where('version', '=', batch.rule_version).executeTakeFirstOrThrow()
  if ((version.amounts as AmountSettings).per !== 'once') return
  // A case that ended meanwhile (a death) stays as it ended.
  const cases = await trx.selectFrom('payments as p').innerJoin('cases as c', 'c.id', 'p.case_id').select('p.case_id')
    .where('p.id', 'in', paidIds).where('c.status', '=', 'active').execute()
  if (cases.length === 0) return
  const outcome = await transitionMany(trx, CASE, system, cases.map((row) => row.case_id), 'complete', { reason: 'its payment was paid' })
  if (outcome.failed.length > 0) throw new Error(`a paid one-time case could not be completed: ${outcome.failed[0]!.code}`)
}
