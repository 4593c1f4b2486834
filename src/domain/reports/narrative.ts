import { toFen } from '../money.js'
import type { Narrative, ProgramReport, Summary } from './schemas.js'

/** An amount as a report writes it: whole yuan without decimals, otherwise to the fen. */
function yuan (amount: string): string {
  return amount.endsWith('.00') ? amount.slice(0, -3) : amount
}

/** A share as a percentage to a tenth, rounded half up, counted in whole fen: 7 of 100 yuan is "7", 1 of 3 is "33.3". */
export function percentOf (part: string, whole: string): string {
  const [fen, of] = [BigInt(toFen(part)), BigInt(toFen(whole))]
  if (of === 0n) return '0'
  const tenths = Number((fen * 2000n + of) / (2n * of))
  return tenths % 10 === 0 ? `${tenths / 10}` : (tenths / 10).toFixed(1)
}

/** One programme's sentences: its beneficiaries, what was paid this year and the district's share, then the people paid so far. */
function sentencesOf (where: string, program: ProgramReport): string[] {
  const { beneficiaries, paidThisYear, paidCumulative } = program
  if (beneficiaries.cumulative === 0 && paidThisYear.count === 0) return []
  const late = Object.entries(beneficiaries.lateConfirmations).sort(([a], [b]) => a.localeCompare(b))
  const lateText = late.length > 0 ? `（含${late.map(([year, n]) => `${year}年补报确认${n}人`).join('、')}）` : ''
  const sentences = [`${where}${program.programName}对象累计${beneficiaries.cumulative}人，其中今年新增${beneficiaries.newThisYear}人${lateText}，目前在册${beneficiaries.active}人。`]
  if (paidThisYear.count > 0) {
    const district = program.bySource.find((share) => share.source === 'district')
    const share = district ? `，其中区级财政承担${yuan(district.amount)}元（${percentOf(district.amount, paidThisYear.amount)}%）` : ''
    sentences.push(`今年发放${program.programName}${paidThisYear.count}人次，共${yuan(paidThisYear.amount)}元${share}。`)
  }
  if (paidCumulative.people > 0) {
    sentences.push(`累计已发放${program.programName}${paidCumulative.people}人、${paidCumulative.count}人次，共${yuan(paidCumulative.amount)}元。`)
  }
  return sentences
}

/**
 * The sentences a district writes in its annual report, computed from the summary:
 * "全区农村部分计划生育家庭奖励扶助对象累计1478人，其中今年新增226人……" — each figure
 * is the summary's, so the report of the seed can be written from the system.
 */
export function narrate (summary: Summary, isDistrict: boolean): Narrative {
  const where = isDistrict ? '全区' : summary.regionName
  const paragraphs = summary.programs.map((program) => sentencesOf(where, program)).filter((sentences) => sentences.length > 0)
  const sentences = paragraphs.flat()
  return {
    year: summary.year,
    regionCode: summary.regionCode,
    sentences,
    text: paragraphs.map((paragraph) => paragraph.join('')).join('\n'),
  }
}
