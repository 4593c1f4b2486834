import { sql, type RawBuilder } from 'kysely'
import { splitFen } from '../money.js'
import type { RuleNode } from './rule-tree.js'
import type { FactQuery } from './sql-facts.js'
import { SQL_FACTS } from './sql-facts.js'
import { compileTree } from './compile.js'
import { monthsBeforeAge, type PersonFacts } from './person-facts.js'
import { evaluateTree } from './evaluate.js'
import type { Claim } from './claims.js'
import { livingMonths } from './history.js'

/** Date facts a monthly window may start from. */
export const WINDOW_START_FACTS = ['onlyChildCertificateDate', 'parentsOnlyChildCertificateDate', 'birthDate'] as const

/** One tier of an amount: the first whose `when` holds (or that has none) applies. */
export interface AmountTier { when?: RuleNode, amountFen: number, service?: string }
export interface AmountEntry { from: string, tiers: AmountTier[] }

/**
 * How much a beneficiary is owed for a period, as a rule version stores it:
 * per year, per month (paid for the months of the year in the window), once, per claim
 * (priced by the service), or not money at all.
 */
export interface AmountSettings {
  per: 'year' | 'month' | 'once' | 'claim' | 'none'
  schedule: AmountEntry[]
  months?: { from?: (typeof WINDOW_START_FACTS)[number], untilAge?: number }
}

export interface FundingEntry { from: string, shares: Array<{ source: string, percent: number }> }

/** The entry in force on a date: the latest that starts on or before it. */
export function entryOn<T extends { from: string }> (entries: readonly T[], date: string): T | undefined {
  return entries.filter((entry) => entry.from <= date).sort((a, b) => b.from.localeCompare(a.from))[0]
}

/** Months 1–12 grouped into runs under one schedule entry. */
function monthRuns (schedule: readonly AmountEntry[], year: number): Array<{ first: number, last: number, entry: AmountEntry }> {
  const runs: Array<{ first: number, last: number, entry: AmountEntry }> = []
  for (let month = 1; month <= 12; month++) {
    const entry = entryOn(schedule, `${year}-${String(month).padStart(2, '0')}-01`)
    if (!entry) continue
    const run = runs[runs.length - 1]
    if (run && run.entry === entry && run.last === month - 1) run.last = month
    else runs.push({ first: month, last: month, entry })
  }
  return runs
}

/** The first tier whose `when` holds (or that has none), of those for the claim's service when pricing a claim. */
function tierAmount (entry: AmountEntry, facts: PersonFacts, service?: string): number | null {
  const tier = entry.tiers.find((each) => (service === undefined || each.service === service)
    && (!each.when || evaluateTree(each.when, (leaf) => facts.get(leaf.fact, leaf.params)).passed))
  return tier ? tier.amountFen : null
}

/** The first month of the year inside the window (13 when none). */
function windowStart (date: string | null, year: number): number {
  if (date === null) return 13
  const from = Number(date.slice(0, 4))
  return from < year ? 1 : from > year ? 13 : Number(date.slice(5, 7))
}

/**
 * What a person is owed for the year of facts.asOf (or, for a one-time award, on that
 * date; for a claim, the claim's price on its service date), in fen; null when not money
 * or when no entry is in force. Monthly amounts count only the months the person lives
 * in, as known on the as-of date: from the month of birth to the month of death.
 */
export function amountFor (settings: AmountSettings, facts: PersonFacts, person: { birthDate: string, deathDate: string | null }, claim?: Claim): number | null {
  const year = Number(facts.asOf.slice(0, 4))
  switch (settings.per) {
    case 'none':
      return null
    case 'claim': {
      const entry = claim ? entryOn(settings.schedule, claim.date) : undefined
      return entry ? tierAmount(entry, facts, claim!.service) : null
    }
    case 'once': {
      const entry = entryOn(settings.schedule, facts.asOf)
      return entry ? tierAmount(entry, facts) : null
    }
    case 'year': {
      const entry = entryOn(settings.schedule, `${year}-01-01`)
      return entry ? tierAmount(entry, facts) : null
    }
    case 'month': {
      const runs = monthRuns(settings.schedule, year)
      if (runs.length === 0) return null
      const start = settings.months?.from ? windowStart(facts.get(settings.months.from) as string | null, year) : 1
      const end = settings.months?.untilAge !== undefined ? monthsBeforeAge(person, settings.months.untilAge, year) : 12
      const [born, died] = livingMonths(person, year, facts.asOf)
      const first = Math.max(start, born)
      const last = Math.min(end, died)
      return runs.reduce((sum, run) => sum + (tierAmount(run.entry, facts) ?? 0) * Math.max(0, Math.min(run.last, last) - Math.max(run.first, first) + 1), 0)
    }
  }
}

function compileTierAmount (q: FactQuery, entry: AmountEntry, service?: RawBuilder<unknown>): RawBuilder<number> {
  const cases = entry.tiers.map((tier) => {
    const serves = service ? sql`${service} = ${tier.service ?? null}` : sql`true`
    return sql`when ${serves} and ${tier.when ? compileTree(q, tier.when) : sql`true`} then ${tier.amountFen}::bigint`
  })
  return sql<number>`(case ${sql.join(cases, sql` `)} else null end)`
}

/** The months of the year the person lives in, as known on the as-of date (livingMonths). */
function compileLivingMonths (q: FactQuery): [first: RawBuilder<number>, last: RawBuilder<number>] {
  const year = q.year
  return [
    sql<number>`(case when extract(year from p.birth_date)::int < ${year} then 1
                      when extract(year from p.birth_date)::int = ${year} then extract(month from p.birth_date)::int else 13 end)`,
    sql<number>`(case when p.death_date is null or p.death_date > ${q.date} or extract(year from p.death_date)::int > ${year} then 12
                      when extract(year from p.death_date)::int = ${year} then extract(month from p.death_date)::int else 0 end)`,
  ]
}

/** amountFor as a SQL expression over `persons p join households h` (and the claim `cl` of a statement per claim), for one year. */
export function compileAmount (q: FactQuery, settings: AmountSettings): RawBuilder<number | null> {
  const year = q.year
  switch (settings.per) {
    case 'none':
      return sql`null::bigint`
    case 'claim': {
      if (!q.claims) return sql`null::bigint`
      const entries = [...settings.schedule].sort((a, b) => b.from.localeCompare(a.from))
        .map((entry) => sql`when cl.date >= ${entry.from}::date then ${compileTierAmount(q, entry, sql`cl.service`)}`)
      return entries.length === 0 ? sql`null::bigint` : sql<number>`(case ${sql.join(entries, sql` `)} else null end)`
    }
    case 'once': {
      const entry = entryOn(settings.schedule, q.asOf)
      return entry ? compileTierAmount(q, entry) : sql`null::bigint`
    }
    case 'year': {
      const entry = entryOn(settings.schedule, `${year}-01-01`)
      return entry ? compileTierAmount(q, entry) : sql`null::bigint`
    }
    case 'month': {
      const runs = monthRuns(settings.schedule, year)
      if (runs.length === 0) return sql`null::bigint`
      const from = settings.months?.from ? SQL_FACTS[settings.months.from](q, {}) : undefined
      const start = from
        ? sql`(case when ${from} is null then 13 when extract(year from ${from})::int < ${year} then 1
                    when extract(year from ${from})::int > ${year} then 13 else extract(month from ${from})::int end)`
        : sql`1`
      const end = settings.months?.untilAge !== undefined ? SQL_FACTS.monthsUnderAgeInYear(q, { age: settings.months.untilAge }) : sql`12`
      const [born, died] = compileLivingMonths(q)
      const terms = runs.map((run) => sql`coalesce(${compileTierAmount(q, run.entry)}, 0)
        * greatest(0, least(${run.last}, ${end}, ${died}) - greatest(${run.first}, ${start}, ${born}) + 1)`)
      return sql<number>`(${sql.join(terms, sql` + `)})::bigint`
    }
  }
}

/** The amount split over the funding sources in force for the period, in fen, adding up exactly. */
export function fundingFor (funding: readonly FundingEntry[], date: string, amountFen: number) {
  const entry = entryOn(funding, date)
  return entry ? splitFen(amountFen, entry.shares) : []
}
