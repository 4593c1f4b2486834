import { stringify } from 'csv-stringify/sync'
import { FUND_SOURCES } from '../programs/schemas.js'
import type { Summary } from './schemas.js'

const SOURCE_NAMES: Record<(typeof FUND_SOURCES)[number], string> = {
  central: '中央', provincial: '省级', municipal: '市级', district: '区级', township: '乡镇', employer: '单位',
}

/** The summary as a CSV for spreadsheets: UTF-8 with BOM, CRLF, one row per programme, Chinese headers. */
export function summaryCsv (summary: Summary): string {
  const header = ['项目代码', '项目名称', '在册对象', '今年新增', '其中往年补报', '累计对象', '今年发放人次', '今年发放金额', '累计发放人次', '累计发放金额',
    ...FUND_SOURCES.map((source) => `今年${SOURCE_NAMES[source]}承担`), '办理中案件']
  const rows = summary.programs.map((program) => [
    program.programCode,
    program.programName,
    program.beneficiaries.active,
    program.beneficiaries.newThisYear,
    Object.values(program.beneficiaries.lateConfirmations).reduce((sum, n) => sum + n, 0),
    program.beneficiaries.cumulative,
    program.paidThisYear.count,
    program.paidThisYear.amount,
    program.paidCumulative.count,
    program.paidCumulative.amount,
    ...FUND_SOURCES.map((source) => program.bySource.find((share) => share.source === source)?.amount ?? '0.00'),
    Object.values(program.pending).reduce((sum, n) => sum + n, 0),
  ])
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: '\r\n' })}`
}
