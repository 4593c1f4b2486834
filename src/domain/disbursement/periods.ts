import type { AmountSettings } from '../eligibility/amounts.js'
import { periodInFuture, periodInvalid } from './errors.js'

/** A period a batch pays: a year ("2010") or one month of it ("2010-06"). */
export interface Period {
  text: string
  year: number
  month: number | null
  /** First and last day, Asia/Shanghai calendar dates. */
  start: string
  end: string
  /** The date facts are taken on: the last day, or today while the period runs. */
  asOf: string
}

function lastDayOf (year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * Reads a period against the programme's amounts and today: a month only for amounts
 * per month (a yearly amount has no month's share); nothing not yet begun.
 */
export function periodOf (text: string, programCode: string, amounts: AmountSettings, today: string): Period {
  const year = Number(text.slice(0, 4))
  const month = text.length > 4 ? Number(text.slice(5, 7)) : null
  if (month !== null && amounts.per !== 'month') throw periodInvalid(programCode, text)
  const start = month === null ? `${year}-01-01` : `${text}-01`
  const end = month === null ? `${year}-12-31` : lastDayOf(year, month)
  if (start > today) throw periodInFuture(text, today)
  return { text, year, month, start, end, asOf: end < today ? end : today }
}

/**
 * The periods a payment for this one would pay twice: the same period, and for a year
 * its months, for a month its year. One-time programmes pay once whatever the period.
 */
export function overlapping (period: Period): { same: string, year: string, monthsOf: string } {
  return { same: period.text, year: String(period.year), monthsOf: `${period.year}-%` }
}

/**
 * The amount settings of one month alone: the entry in force that month, and nothing
 * before or after it, so the yearly sum the amounts compile to is that month's share.
 */
export function monthOnly (amounts: AmountSettings, period: Period): AmountSettings {
  if (period.month === null) return amounts
  const month = String(period.month).padStart(2, '0')
  const inForce = amounts.schedule.filter((entry) => entry.from <= `${period.year}-${month}-01`).at(-1)
  const nothing = { tiers: [{ amountFen: 0 }] }
  const schedule = [{ from: `${period.year}-01-01`, ...nothing }]
  if (inForce) schedule.push({ from: `${period.year}-${month}-01`, tiers: inForce.tiers })
  if (period.month < 12) schedule.push({ from: `${period.year}-${String(period.month + 1).padStart(2, '0')}-01`, ...nothing })
  return { ...amounts, schedule: period.month === 1 && inForce ? schedule.slice(1) : schedule }
}
