import { Readable } from 'node:stream'
import iconv from 'iconv-lite'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import type { PiiVault } from '../registry/pii.js'
import { xlsxStream } from '../../http/xlsx.js'
import { buildCsvExport, EXPORT_COLUMNS, exportRows } from './csv-export.js'
import { batchNotExportable, charsetLacksCharacters, debtorNotConfigured } from './errors.js'
import { paymentChunks, purposeOf, type Debtor, type FileHeader } from './files.js'
import { buildPain001 } from './pain001.js'
import { paymentsWithUncommonNames } from './repo.js'
import { findBatch } from './service.js'
import { messageIdOf } from './views.js'

const EXPORTABLE = new Set(['approved', 'exported', 'reconciled'])

/** The debtor settings as configured, possibly incomplete. */
export interface DebtorSettings {
  DEBTOR_NAME?: string | undefined
  DEBTOR_ACCOUNT?: string | undefined
  DEBTOR_BANK_CODE?: string | undefined
}

function debtorOf (settings: DebtorSettings): Debtor {
  const missing = (['DEBTOR_NAME', 'DEBTOR_ACCOUNT', 'DEBTOR_BANK_CODE'] as const).filter((name) => !settings[name])
  if (missing.length > 0) throw debtorNotConfigured(missing)
  return { name: settings.DEBTOR_NAME!, account: settings.DEBTOR_ACCOUNT!, bankCode: settings.DEBTOR_BANK_CODE! }
}

/** What a file says of its batch: fixed from approval on, so every request gets the same bytes. */
async function headerOf (db: Kysely<DB>, acting: Acting, batchId: string): Promise<FileHeader> {
  const batch = await findBatch(db, acting, batchId)
  if (!EXPORTABLE.has(batch.status) || !batch.approved_at) throw batchNotExportable(batch.status)
  const program = await db.selectFrom('programs').select('name').where('code', '=', batch.program_code).executeTakeFirstOrThrow()
  return {
    batchId: batch.id,
    messageId: messageIdOf(batch.id),
    approvedAt: batch.approved_at,
    count: batch.count,
    totalFen: batch.total_fen,
    purpose: purposeOf(batch.period, program.name),
  }
}

/** The batch's pain.001.001.10 file, as a stream. */
export async function pain001File (db: Kysely<DB>, vault: PiiVault, acting: Acting, batchId: string, settings: DebtorSettings) {
  const header = await headerOf(db, acting, batchId)
  const debtor = debtorOf(settings)
  const payments = paymentChunks(db, header.batchId, (cipher, key) => vault.decrypt(cipher, key))
  return { name: `${header.messageId}.xml`, stream: Readable.from(buildPain001(header, debtor, payments)) }
}

/** The encodings the CSV export is written in: UTF-8 (with a BOM), or GBK / GB18030 for bank portals that want them. */
export const CSV_CHARSETS = ['utf-8', 'gbk', 'gb18030'] as const
export type CsvCharset = (typeof CSV_CHARSETS)[number]

/** Whether the charset writes the text as it is: iconv-lite writes `?` for a character it lacks. */
const encodes = (charset: CsvCharset, text: string) => iconv.decode(iconv.encode(text, charset), charset) === text

/**
 * Refuses a GBK file of a batch that names a payee or bank with a character GBK lacks
 * (a rare 生僻字): written as `?`, the bank would be handed a name that is not the
 * account holder's. One statement finds the names with characters beyond the common
 * ones, which are then tried, before the first byte is sent: the refusal is a whole answer.
 */
async function checkEncodable (db: Kysely<DB>, batchId: string, charset: CsvCharset): Promise<void> {
  if (charset !== 'gbk') return
  const lacking = (await paymentsWithUncommonNames(db, batchId))
    .filter((row) => !encodes(charset, row.holder_name) || !encodes(charset, row.bank_name))
    .map((row) => row.seq)
  if (lacking.length > 0) throw charsetLacksCharacters(charset, lacking.slice(0, 20), lacking.length > 20)
}

async function * encoded (text: AsyncIterable<string>, charset: CsvCharset): AsyncGenerator<Buffer> {
  for await (const chunk of text) yield iconv.encode(chunk, charset)
}

/** The batch's CSV file for banks that take no ISO 20022, as a stream, in the charset asked for. */
export async function csvFile (db: Kysely<DB>, vault: PiiVault, acting: Acting, batchId: string, charset: CsvCharset = 'utf-8') {
  const header = await headerOf(db, acting, batchId)
  await checkEncodable(db, header.batchId, charset)
  const payments = paymentChunks(db, header.batchId, (cipher, key) => vault.decrypt(cipher, key))
  const text = buildCsvExport(header, payments, charset === 'utf-8')
  return { name: `${header.messageId}.csv`, stream: Readable.from(charset === 'utf-8' ? text : encoded(text, charset)) }
}

/** The batch's payments as an Excel workbook: the CSV's columns, one sheet, streamed. */
export async function xlsxFile (db: Kysely<DB>, vault: PiiVault, acting: Acting, batchId: string) {
  const header = await headerOf(db, acting, batchId)
  const payments = paymentChunks(db, header.batchId, (cipher, key) => vault.decrypt(cipher, key))
  return { name: `${header.messageId}.xlsx`, stream: xlsxStream('付款清单', EXPORT_COLUMNS, exportRows(header, payments)) }
}
