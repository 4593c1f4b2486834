import { sql, type Kysely } from 'kysely'
import { reportRead } from '../../db/report-read.js'
import type { DB } from '../../db/types.js'
import { shanghaiMidnight } from '../clock/clock.js'
import { FUND_SOURCES } from '../programs/schemas.js'
import { inSubtree } from '../regions/scope.js'
import { OPEN_STATES } from '../workflow/steps.js'

/** A year's window on the service's calendar (Asia/Shanghai dates). */
export interface YearWindow {
  year: number
  /** The date the year's state is read on: 31 December, or today in the current year. */
  end: string
}

/** The window as instants: from the year's first moment, until the end date is over. */
function instantsOf (window: YearWindow): { from: Date, until: Date } {
  return { from: shanghaiMidnight(`${window.year}-01-01`), until: shanghaiMidnight(window.end, 1) }
}

/** A programme's beneficiaries: at the window's end, new in the year, ever; the year's new ones registered in earlier years, by year. */
export interface BeneficiaryCount {
  program_code: string
  active: number
  new_this_year: number
  cumulative: number
  late: Record<string, number>
}

/**
 * Per programme, the beneficiaries of the region. Two statements: one pass over the
 * region's cases, grouped by programme and year of registration (the year's late
 * confirmations counted in the same pass), counting as active at the window's end the
 * cases active since before it; and a look in the trail for the few that moved after it.
 */
export async function beneficiaryCounts (db: Kysely<DB>, region: string, window: YearWindow): Promise<BeneficiaryCount[]> {
  const [groups, moved] = await Promise.all([countsByRegisteredYear(db, region, window), activeAmongMoved(db, region, window)])
  const counts = new Map<string, BeneficiaryCount>()
  for (const group of groups) {
    const count = counts.get(group.program_code) ?? { program_code: group.program_code, active: 0, new_this_year: 0, cumulative: 0, late: {} }
    count.active += group.active
    count.new_this_year += group.new_this_year
    count.cumulative += group.cumulative
    if (group.late > 0) count.late[group.registered_year] = group.late
    counts.set(group.program_code, count)
  }
  for (const { program_code: programCode, active } of moved) {
    const count = counts.get(programCode)
    if (count) count.active += active
  }
  return [...counts.values()]
}

async function countsByRegisteredYear (db: Kysely<DB>, region: string, window: YearWindow) {
  const from = `${window.year}-01-01`
  const { until } = instantsOf(window)
  const inYear = sql`c.active_from between ${from}::date and ${window.end}::date`
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, registered_year: number, active: number, new_this_year: number, cumulative: number, late: number }>`
    select c.program_code, extract(year from c.registered_on)::int as registered_year,
           (count(*) filter (where c.status = 'active' and c.status_since < ${until}::timestamptz))::int as active,
           (count(*) filter (where ${inYear}))::int as new_this_year,
           (count(*) filter (where c.active_from <= ${window.end}::date))::int as cumulative,
           (count(*) filter (where ${inYear} and c.registered_on < ${from}::date))::int as late
      from cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id
     where ${inSubtree('h.region_code', region)}
     group by 1, 2
  `.execute(trx))
  return rows
}

/**
 * The cases there at the window's end that have moved since (or whose time is not
 * known) and were active then: the state their last step before the end took, looked
 * up in their trail; per programme.
 */
async function activeAmongMoved (db: Kysely<DB>, region: string, window: YearWindow) {
  const { until } = instantsOf(window)
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, active: number }>`
    select c.program_code, count(*)::int as active
      from cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id
     where (c.status_since >= ${until}::timestamptz or c.status_since is null) and c.registered_on <= ${window.end}::date
       and ${inSubtree('h.region_code', region)}
       and (select s.to_status from case_steps s
             where s.case_id = c.id::text and s.at < ${until}::timestamptz order by s.id desc limit 1) = 'active'
     group by 1
  `.execute(trx))
  return rows
}

/**
 * Per programme: the payments settled paid in the year, and all up to the window's end;
 * the year's by funding source. One pass over the payments, grouped by batch (a batch
 * names its sources, in the order of each payment's shares), summed per programme here.
 */
export async function paidTotals (db: Kysely<DB>, region: string, window: YearWindow) {
  const { from, until } = instantsOf(window)
  const inYear = sql`p.settled_at >= ${from}::timestamptz`
  const positions = Array.from({ length: FUND_SOURCES.length }, (_, index) => sql`sum(p.shares_fen[${sql.lit(index + 1)}]) filter (where ${inYear})`)
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, sources: string[], year_count: number, year_fen: string, all_count: number, all_fen: string, year_shares: Array<string | null> }>`
    select b.program_code, b.sources, t.year_count, t.year_fen, t.all_count, t.all_fen, t.year_shares
      from (select p.batch_id,
                   (count(*) filter (where ${inYear}))::int as year_count,
                   coalesce(sum(p.amount_fen) filter (where ${inYear}), 0)::text as year_fen,
                   count(*)::int as all_count, coalesce(sum(p.amount_fen), 0)::text as all_fen,
                   array[${sql.join(positions)}]::text[] as year_shares
              from payments p
             where p.status = 'paid' and p.settled_at < ${until}::timestamptz and ${inSubtree('p.region_code', region)}
             group by p.batch_id) t
      join payment_batches b on b.id = t.batch_id
  `.execute(trx))
  const totals = new Map<string, { program_code: string, year_count: number, year_fen: number, all_count: number, all_fen: number }>()
  const bySource = new Map<string, { program_code: string, source: string, fen: number }>()
  for (const batch of rows) {
    const total = totals.get(batch.program_code) ?? { program_code: batch.program_code, year_count: 0, year_fen: 0, all_count: 0, all_fen: 0 }
    total.year_count += batch.year_count
    total.year_fen += Number(batch.year_fen)
    total.all_count += batch.all_count
    total.all_fen += Number(batch.all_fen)
    totals.set(batch.program_code, total)
    if (batch.year_count === 0) continue
    batch.sources.forEach((source, index) => {
      const key = `${batch.program_code} ${source}`
      const share = bySource.get(key) ?? { program_code: batch.program_code, source, fen: 0 }
      share.fen += Number(batch.year_shares[index] ?? 0)
      bySource.set(key, share)
    })
  }
  return { totals: [...totals.values()], bySource: [...bySource.values()] }
}

/**
 * Per programme: the people paid so far — distinct persons with a payment settled paid
 * up to the window's end ("1,080 people paid so far"), however many years or months
 * each was paid for. Grouped by person first, which hashes, where count(distinct) sorts.
 */
export async function peoplePaid (db: Kysely<DB>, region: string, window: YearWindow) {
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, people: number }>`
    select program_code, count(*)::int as people
      from (select p.program_code, p.person_id
              from payments p
             where p.status = 'paid' and p.settled_at < ${instantsOf(window).until}::timestamptz and ${inSubtree('p.region_code', region)}
             group by 1, 2) paid
     group by 1
  `.execute(trx))
  return rows
}

/** Open cases by state, now, per programme. */
export async function pendingCases (db: Kysely<DB>, region: string) {
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, status: string, n: number }>`
    select c.program_code, c.status, count(*)::int as n
      from cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id
     where c.status in (${sql.join([...OPEN_STATES])})
       and ${inSubtree('h.region_code', region)}
     group by 1, 2
  `.execute(trx))
  return rows
}

/** Per programme and year: the beneficiaries ever confirmed by each year's end, for the years given. */
export async function cumulativeByYear (db: Kysely<DB>, region: string, years: number[]) {
  const { rows } = await reportRead(db, (trx) => sql<{ program_code: string, year: number, cumulative: number }>`
    select c.program_code, y.year, count(*)::int as cumulative
      from cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id
      join unnest(${years}::int[]) as y (year) on c.active_from <= make_date(y.year, 12, 31)
     where ${inSubtree('h.region_code', region)}
     group by 1, 2
  `.execute(trx))
  return rows
}
