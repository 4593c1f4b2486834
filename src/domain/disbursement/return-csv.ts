import { parse } from 'csv-parse/sync'
import type { BankReport } from './bank-report.js'

const RESULTS: Record<string, 'paid' | 'failed'> = { 成功: 'paid', 失败: 'failed' }
const COLUMNS = ['业务编号', '处理结果', '失败原因'] as const

/**
 * Reads a bank's CSV return file (回盘): a header naming 业务编号, 处理结果 and 失败原因
 * (in any order, other columns ignored), then one line per payment, 处理结果 成功 or 失败.
 * Lines are counted from 1, the header included, as a spreadsheet shows them.
 */
export function readReturnCsv (text: string): BankReport {
  const report: BankReport = { format: 'csv', answers: null, answersLine: 0, lines: [], totals: [], problems: [] }
  let rows: string[][]
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][]
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1
    report.problems.push({ line, code: 'bank_file_invalid', message: `The file is not readable CSV: ${(error as Error).message.split('\n')[0]}` })
    return report
  }
  const header = rows[0] ?? []
  const index = Object.fromEntries(COLUMNS.map((column) => [column, header.indexOf(column)])) as Record<(typeof COLUMNS)[number], number>
  const missing = COLUMNS.filter((column) => column !== '失败原因' && index[column] === -1)
  if (missing.length > 0) {
    report.problems.push({ line: 1, code: 'bank_file_invalid', message: `The header lacks ${missing.join(', ')}: it needs 业务编号, 处理结果 and 失败原因.` })
    return report
  }
  rows.slice(1).forEach((row, position) => {
    const line = position + 2
    const result = row[index.处理结果] ?? ''
    const outcome = RESULTS[result]
    if (!outcome) {
      report.problems.push({ line, code: 'bank_file_invalid', message: `处理结果 is "${result}": it is 成功 or 失败.` })
      return
    }
    const reason = index.失败原因 === -1 ? '' : row[index.失败原因] ?? ''
    report.lines.push({ line, endToEndId: row[index.业务编号] ?? '', outcome, status: result, reasonCode: null, reason: reason || null, amountFen: null })
  })
  return report
}
