import { stringify } from 'csv-stringify/sync'
import { formatFen } from '../money.js'
import { endToEndId } from './views.js'
import type { FileHeader, FilePayment } from './files.js'

export const CSV_EXPORT_HEADER = ['序号', '收款人姓名', '收款账号', '开户行行号', '开户行名称', '金额', '用途', '业务编号']

/**
 * Writes a batch as the CSV banks that take no ISO 20022 files read (DESIGN §6): UTF-8
 * with a byte-order mark, CRLF line ends, the Chinese header, one line per payment in
 * file order, streamed. 业务编号 is the payment's id as 32 hex digits, as in pain.001.
 */
export async function * buildCsvExport (header: FileHeader, payments: AsyncIterable<FilePayment[]>): AsyncGenerator<string> {
  yield stringify([CSV_EXPORT_HEADER], { bom: true, record_delimiter: 'windows' })
  for await (const chunk of payments) {
    yield stringify(chunk.map((payment) => [
      payment.seq, payment.holderName, payment.accountNumber, payment.branchCode, payment.bankName,
      formatFen(payment.amountFen), header.purpose, endToEndId(payment.id),
    ]), { record_delimiter: 'windows' })
  }
}
