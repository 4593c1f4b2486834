import { defineProblem, defineProblemFamily } from '../../http/problem.js'
import { notFound } from '../entities.js'

export const batchNotFound = notFound('batch')

export const allocationScope = defineProblem(403, 'district_scope_required', () =>
  'Fund allocations are the district\'s budget: they are made by officers scoped to the whole district.')

export const allocationExists = defineProblem(409, 'allocation_exists', (programCode: string, year: number, source: string) =>
  `${programCode} already has a ${source} allocation for ${year}.`)
export const overspend = defineProblem(409, 'overspend', (source: string, remaining: string, share: string, year: number) =>
  `Approving would overspend the ${source} allocation for ${year}: ${remaining} remains, the batch needs ${share}.`)
export const batchNotExportable = defineProblem(409, 'batch_not_exportable', (status: string) =>
  `A batch that is ${status} has no payment file: files are made from approval on.`)
export const debtorNotConfigured = defineProblem(409, 'debtor_not_configured', (missing: string[]) =>
  `The district's paying account is not configured: set ${missing.join(', ')}.`)
export const charsetLacksCharacters = defineProblem(409, 'charset_lacks_characters', (charset: string, seqs: number[], more: boolean) =>
  `The payee or bank name of payment${seqs.length > 1 ? 's' : ''} ${seqs.join(', ')}${more ? ' and others' : ''} (序号) has a character ${charset.toUpperCase()} lacks; `
  + 'ask for charset=gb18030, which encodes every character, or utf-8.')
export const batchNotExported = defineProblem(409, 'batch_not_exported', (status: string) =>
  `A batch that is ${status} takes no bank results: results answer a file handed to the bank (export).`)

export const programNotPayable = defineProblem(422, 'program_not_payable', (programCode: string, per: string) =>
  `${programCode} pays ${per === 'none' ? 'no money' : 'per claim'}: it has no batches of payments by period.`)
export const periodInvalid = defineProblem(422, 'period_invalid', (programCode: string, period: string) =>
  `${programCode} pays by the year: give a year such as "2010", not ${period}.`)
export const periodNotFunded = defineProblem(422, 'period_not_funded', (programCode: string, date: string) =>
  `${programCode}'s rule version names no funding shares in force on ${date}: a batch could not say who pays.`)
export const periodInFuture = defineProblem(422, 'period_in_future', (period: string, today: string) =>
  `The period ${period} has not begun (today is ${today}).`)

/** What a bank's results file can have wrong; the problem's code is the first found, errors lists every bad line. */
export const BANK_RESULT_CODES = ['bank_file_invalid', 'unknown_payment', 'payment_settled', 'totals_mismatch'] as const
export type BankResultCode = (typeof BANK_RESULT_CODES)[number]
export const bankResultsRefused = defineProblemFamily(422, BANK_RESULT_CODES)

export const bankResultsMediaType = defineProblem(415, 'unsupported_media_type', () =>
  'Send the bank\'s results as application/xml (pain.002.001.11) or text/csv (回盘).')
