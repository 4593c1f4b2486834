import { stringify } from 'csv-stringify/sync'
import type { XlsxColumn } from '../../http/xlsx.js'
import { formatFen } from '../money.js'
import { endToEndId } from './views.js'
import type { FileHeader, FilePayment } from './files.js'

export const CSV_EXPORT_HEADER = ['序号', '收款人姓名', '收款账号', '开户行行号', '开户行名称', '金额', '用途', '业务编号']

/** The export's columns for a workbook: account, bank code and payment id as text, the amount in yuan as a number. */
export const EXPORT_COLUMNS: XlsxColumn[] = CSV_EXPORT_HEADER.map((header) => ({
  header, kind: header === '序号' ? 'count' : header === '金额' ? 'yuan' : 'text',
}))

/** A payment as the export's cells, in CSV_EXPORT_HEADER's order. */
export function exportRow (header: FileHeader, payment: FilePayment): Array<string | number> {
  return [payment.seq, payment.holderName, payment.accountNumber, payment.branchCode, payment.bankName,
    formatFen(payment.amountFen), header.purpose, endToEndId(payment.id)]
}

/** The export's rows, chunk by chunk, in file order. */
export async function * exportRows (header: FileHeader, payments: AsyncIterable<FilePayment[]>): AsyncGenerator<Array<Array<string | number>>> {
  for await (const chunk of payments) yield chunk.map((payment) => exportRow(header, payment))
}

/**
 * Writes a batch as the CSV banks that take no ISO 20022 files read (DESIGN §6): UTF-8
 * with a byte-order mark (none when it is to be encoded as GBK), CRLF line ends, the
 * Chinese header, one line per payment in file order, streamed. 业务编号 is the payment's
 * id as 32 hex digits, as in pain.001.
 */
export async function * buildCsvExport (header: FileHeader, payments: AsyncIterable<FilePayment[]>, bom = true): AsyncGenerator<string> {
  yield stringify([CSV_EXPORT_HEADER], { bom, record_delimiter: 'windows' })
  for await (const rows of exportRows(header, payments)) yield stringify(rows, { record_delimiter: 'windows' })
}
