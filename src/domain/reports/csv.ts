import { stringify } from 'csv-stringify/sync'
import type { XlsxColumn } from '../../http/xlsx.js'
import { FUND_SOURCES } from '../programs/schemas.js'
import type { Summary } from './schemas.js'

const SOURCE_NAMES: Record<(typeof FUND_SOURCES)[number], string> = {
  central: '中央', provincial: '省级', municipal: '市级', district: '区级', township: '乡镇', employer: '单位',
}

/** The summary's columns: the programme as text, counts, and amounts in yuan. */
export const SUMMARY_COLUMNS: XlsxColumn[] = [
  { header: '项目代码', kind: 'text' }, { header: '项目名称', kind: 'text' },
  ...['在册对象', '今年新增', '其中往年补报', '累计对象', '今年发放人次'].map((header) => ({ header, kind: 'count' as const })),
  { header: '今年发放金额', kind: 'yuan' }, { header: '累计发放人次', kind: 'count' }, { header: '累计发放人数', kind: 'count' },
  { header: '累计发放金额', kind: 'yuan' },
  ...FUND_SOURCES.map((source) => ({ header: `今年${SOURCE_NAMES[source]}承担`, kind: 'yuan' as const })),
  { header: '办理中案件', kind: 'count' },
]

/** The summary's rows, one per programme, in SUMMARY_COLUMNS' order; amounts as the API writes them ('720.00'). */
export function summaryRows (summary: Summary): Array<Array<string | number>> {
  return summary.programs.map((program) => [
    program.programCode,
    program.programName,
    program.beneficiaries.active,
    program.beneficiaries.newThisYear,
    Object.values(program.beneficiaries.lateConfirmations).reduce((sum, n) => sum + n, 0),
    program.beneficiaries.cumulative,
    program.paidThisYear.count,
    program.paidThisYear.amount,
    program.paidCumulative.count,
    program.paidCumulative.people,
    program.paidCumulative.amount,
    ...FUND_SOURCES.map((source) => program.bySource.find((share) => share.source === source)?.amount ?? '0.00'),
    Object.values(program.pending).reduce((sum, n) => sum + n, 0),
  ])
}

/** The summary as a CSV for spreadsheets: UTF-8 with BOM, CRLF, one row per programme, Chinese headers. */
export function summaryCsv (summary: Summary): string {
  return `\uFEFF${stringify([SUMMARY_COLUMNS.map((column) => column.header), ...summaryRows(summary)], { record_delimiter: '\r\n' })}`
}
