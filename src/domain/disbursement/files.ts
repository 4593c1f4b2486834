import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { shanghaiDate } from '../clock/clock.js'
import { exportRows } from './repo.js'

/** The district's paying account, from configuration (DEBTOR_NAME, DEBTOR_ACCOUNT, DEBTOR_BANK_CODE). */
export interface Debtor {
  name: string
  account: string
  bankCode: string
}

/** What a payment file says of its batch, fixed once the batch is approved: the same bytes every time. */
export interface FileHeader {
  batchId: string
  messageId: string
  /** The approval: the file's creation time and requested execution date. */
  approvedAt: Date
  count: number
  totalFen: number
  /** What the payee's statement says: the year and the programme (用途). */
  purpose: string
}

/** A payment as the files write it, the account number decrypted. */
export interface FilePayment {
  id: string
  seq: number
  amountFen: number
  bankName: string
  branchCode: string
  accountNumber: string
  holderName: string
}

/** Payments in file order, 250 at a time: a million-payment file needs no more memory than a thousand (fewer at a time leave the collector less to promote). */
export async function * paymentChunks (db: Kysely<DB>, batchId: string, decrypt: (cipher: Buffer, key: string) => string, size = 250): AsyncGenerator<FilePayment[]> {
  let after = 0
  for (;;) {
    const rows = await exportRows(db, batchId, after, size)
    if (rows.length === 0) return
    after = rows[rows.length - 1]!.seq
    yield rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      amountFen: row.amount_fen,
      bankName: row.bank_name,
      branchCode: row.branch_code,
      accountNumber: decrypt(row.account_number_cipher, row.account_number_key),
      holderName: row.holder_name,
    }))
    if (rows.length < size) return
  }
}

/** An instant as ISO 8601 in Asia/Shanghai: 2010-04-20T09:00:00+08:00. */
export function shanghaiDateTime (instant: Date): string {
  return `${new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`
}

export function shanghaiDay (instant: Date): string {
  return shanghaiDate(instant)
}

/** 用途: "2010年 农村部分计划生育家庭奖励扶助", "2010年6月 独生子女保健费". */
export function purposeOf (period: string, programName: string): string {
  const [year, month] = period.split('-')
  return `${year}年${month ? `${Number(month)}月` : ''} ${programName}`.slice(0, 140)
}
