import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { allocationsOfYear } from '../disbursement/service.js'
import { yearInFuture } from '../eligibility/errors.js'
import type { Acting } from '../identity/acting.js'
import { formatFen } from '../money.js'
import { listProgramSummaries } from '../programs/service.js'
import { requireRegion } from '../regions/service.js'
import { settleDueCases } from '../workflow/service.js'
import { beneficiaryCounts, cumulativeByYear, paidTotals, peoplePaid, pendingCases, type YearWindow } from './repo.js'
import type { ProgramReport, Summary } from './schemas.js'

/** The year asked about: its last day, or today in the current year; a year not begun is refused. */
async function windowOf (acting: Acting, year: number): Promise<YearWindow> {
  const today = await acting.clock.today()
  const current = Number(today.slice(0, 4))
  if (year > current) throw yearInFuture('/query/year', year, current)
  return { year, end: year === current ? today : `${year}-12-31` }
}

/**
 * A region's year (DESIGN §6, Reports): per programme, the beneficiaries active at the
 * year's end, new in it and ever; what was paid in it and so far (and to how many people), the year's by source;
 * the open cases by state; and the year's allocations with what is spent. A few grouped
 * statements over the region's subtree, whatever its size.
 */
export async function summarise (db: Kysely<DB>, acting: Acting, query: { year: number, region?: string | undefined }): Promise<Summary> {
  const region = await requireRegion(db, query.region ?? acting.scope, acting.scope)
  const window = await windowOf(acting, query.year)
  // Cases whose district notice has ended are beneficiaries before they are counted.
  await settleDueCases(db, { ...acting, scope: region.code })
  const [programs, beneficiaries, paid, people, pending, allocations] = await Promise.all([
    listProgramSummaries(db), beneficiaryCounts(db, region.code, window), paidTotals(db, region.code, window),
    peoplePaid(db, region.code, window), pendingCases(db, region.code), allocationsOfYear(db, acting, query.year),
  ])
  return {
    year: query.year,
    regionCode: region.code,
    regionName: region.name,
    asOf: window.end,
    programs: programs.map((program): ProgramReport => {
      const counted = beneficiaries.find((row) => row.program_code === program.code)
      const totals = paid.totals.find((row) => row.program_code === program.code)
      return {
        programCode: program.code,
        programName: program.name,
        beneficiaries: {
          active: counted?.active ?? 0,
          newThisYear: counted?.new_this_year ?? 0,
          cumulative: counted?.cumulative ?? 0,
          lateConfirmations: counted?.late ?? {},
        },
        paidThisYear: { count: totals?.year_count ?? 0, amount: formatFen(Number(totals?.year_fen ?? 0)) },
        paidCumulative: {
          count: totals?.all_count ?? 0,
          people: people.find((row) => row.program_code === program.code)?.people ?? 0,
          amount: formatFen(Number(totals?.all_fen ?? 0)),
        },
        bySource: paid.bySource.filter((row) => row.program_code === program.code)
          .map((row) => ({ source: row.source as ProgramReport['bySource'][number]['source'], amount: formatFen(Number(row.fen)) }))
          .sort((a, b) => a.source.localeCompare(b.source)),
        pending: Object.fromEntries(pending.filter((row) => row.program_code === program.code).map((row) => [row.status, row.n])),
      }
    }),
    allocations: allocations.map((allocation) => ({
      programCode: allocation.programCode, source: allocation.source, amount: allocation.amount, spent: allocation.spent, remaining: allocation.remaining,
    })),
  }
}

/** Beneficiaries ever confirmed by each year's end, for the ten years up to the one asked: the chart's lines. */
export async function beneficiariesOverYears (db: Kysely<DB>, regionCode: string, year: number) {
  const years = Array.from({ length: 10 }, (_, index) => year - 9 + index)
  return { years, rows: await cumulativeByYear(db, regionCode, years) }
}
