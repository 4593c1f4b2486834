import { FUND_SOURCES } from '../programs/schemas.js'
import type { Summary } from './schemas.js'

const SOURCE_NAMES: Record<string, string> = { central: '中央', provincial: '省级', municipal: '市级', district: '区级', township: '乡镇', employer: '单位' }

/** Fills that tell the sources apart printed in black and white: solid, hatches, dots, blank. */
const PATTERNS = `
  <pattern id="s-central" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#000"/></pattern>
  <pattern id="s-provincial" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2"/></pattern>
  <pattern id="s-municipal" width="6" height="6" patternUnits="userSpaceOnUse"><path d="M0 3H6M3 0V6" stroke="#000" stroke-width="1"/></pattern>
  <pattern id="s-district" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.3" fill="#000"/></pattern>
  <pattern id="s-township" width="6" height="6" patternUnits="userSpaceOnUse"><line x1="0" y1="3" x2="6" y2="3" stroke="#000" stroke-width="1"/></pattern>
  <pattern id="s-employer" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/></pattern>`

const DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 4', '1 2', '12 2']
const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

/**
 * The summary as a chart that reads printed in black and white: the year's paid amount
 * by programme, each bar divided by funding source in hatched and dotted fills; and the
 * beneficiaries ever confirmed over ten years, one line a programme, told apart by its
 * dashes and its label.
 */
export function summarySvg (summary: Summary, overYears: { years: number[], rows: Array<{ program_code: string, year: number, cumulative: number }> }): string {
  const width = 860
  const left = 230
  const barWidth = width - left - 40
  const programs = summary.programs
  const largest = Math.max(1, ...programs.map((program) => Number(program.paidThisYear.amount)))
  const barsTop = 70
  const rowHeight = 30
  const bars = programs.map((program, index) => {
    const y = barsTop + index * rowHeight
    let x = left
    const segments = program.bySource.map((share) => {
      const w = Number(share.amount) / largest * barWidth
      const segment = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="18" fill="url(#s-${share.source})" stroke="#000" stroke-width="0.8"/>`
      x += w
      return segment
    }).join('')
    return `<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escape(program.programName)}</text>${segments}`
      + `<text x="${(x + 6).toFixed(1)}" y="${y + 13}">${escape(program.paidThisYear.amount)} 元</text>`
  }).join('\n')
  const legendTop = barsTop + programs.length * rowHeight + 6
  const legend = FUND_SOURCES.map((source, index) => `<rect x="${left + index * 95}" y="${legendTop}" width="14" height="14" fill="url(#s-${source})" stroke="#000"/>`
    + `<text x="${left + index * 95 + 20}" y="${legendTop + 12}">${SOURCE_NAMES[source]}</text>`).join('')

  const chartTop = legendTop + 70
  const chartHeight = 220
  const most = Math.max(1, ...overYears.rows.map((row) => row.cumulative))
  const xOf = (year: number) => left + (year - overYears.years[0]!) / Math.max(1, overYears.years.length - 1) * barWidth
  const yOf = (n: number) => chartTop + chartHeight - n / most * chartHeight
  const lines = programs.map((program, index) => {
    const points = overYears.years.map((year) => [xOf(year), yOf(overYears.rows.find((row) => row.program_code === program.programCode && row.year === year)?.cumulative ?? 0)] as const)
    if (points.every(([, y]) => y === yOf(0))) return ''
    const last = points[points.length - 1]!
    return `<polyline points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="#000" stroke-width="1.6" stroke-dasharray="${DASHES[index % DASHES.length]}"/>`
      + `<text x="${(last[0] + 6).toFixed(1)}" y="${(last[1] + 4).toFixed(1)}" font-size="11">${escape(program.programCode)}</text>`
  }).join('\n')
  const axis = overYears.years.map((year) => `<text x="${xOf(year).toFixed(1)}" y="${chartTop + chartHeight + 16}" text-anchor="middle" font-size="11">${year}</text>`).join('')
  const height = chartTop + chartHeight + 40

  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">
<title>${escape(summary.regionName)} ${summary.year} 年计划生育奖励扶助资金发放与受益人数</title>
<defs>${PATTERNS}
</defs>
<rect width="${width}" height="${height}" fill="#fff"/>
<text x="20" y="30" font-size="16" font-weight="bold">${escape(summary.regionName)} ${summary.year} 年发放金额（按项目、资金来源）</text>
${bars}
${legend}
<text x="20" y="${chartTop - 20}" font-size="16" font-weight="bold">累计受益人数（${overYears.years[0]}–${overYears.years.at(-1)} 年）</text>
<line x1="${left}" y1="${chartTop + chartHeight}" x2="${left + barWidth}" y2="${chartTop + chartHeight}" stroke="#000"/>
<line x1="${left}" y1="${chartTop}" x2="${left}" y2="${chartTop + chartHeight}" stroke="#000"/>
<text x="${left - 8}" y="${chartTop + 4}" text-anchor="end" font-size="11">${most}</text>
<text x="${left - 8}" y="${chartTop + chartHeight}" text-anchor="end" font-size="11">0</text>
${lines}
${axis}
</svg>
`
}
