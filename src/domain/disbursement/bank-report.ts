import type { BankResultCode } from './errors.js'

/** What the bank said of one payment. */
export interface ReportLine {
  line: number
  /** The payment's EndToEndId (业务编号) as the bank quotes it. */
  endToEndId: string
  outcome: 'paid' | 'failed' | 'open'
  /** The bank's status or result as written (ACSC, RJCT, 成功 …). */
  status: string
  reasonCode: string | null
  reason: string | null
  /** The amount the bank quotes for it, if it does. */
  amountFen: number | null
}

/** A count and sum the bank states, to be checked against the lines and the batch. */
export interface ReportTotal {
  line: number
  what: string
  /** The statuses whose lines it counts; null for the whole message. */
  statuses: string[] | null
  count: number | null
  sumFen: number | null
}

/** A bank's results file, read: its lines, its totals, and what could not be read. */
export interface BankReport {
  format: 'pain.002' | 'csv'
  /** The message the report answers (OrgnlMsgId); null for a CSV file. */
  answers: string | null
  answersLine: number
  lines: ReportLine[]
  totals: ReportTotal[]
  problems: Array<{ line: number, code: BankResultCode, message: string }>
}

/** A decimal amount of yuan ("960", "960.5", "960.00") as fen, or null when it is not one. */
export function fenOf (text: string | null | undefined): number | null {
  const match = /^\s*([0-9]{1,15})(?:\.([0-9]{1,2}))?\s*$/.exec(text ?? '')
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
}
