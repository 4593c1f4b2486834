import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../../db/types.js'

/**
 * The one clock of the service: notices, registration dates, audit times and the
 * "today" of evaluations all read it. Domain code asks the clock, never `new Date()`
 * or a bare `now()`; statements embed `clock.sql`.
 *
 * Two things run on real time instead, by design: token lifetimes and job heartbeats.
 * A training instance whose clock is moved a year ahead must not lock its officers
 * out, nor take its running jobs for dead.
 */
export interface Clock {
  /** True on a training or test instance (CLOCK=settable), whose administrators may move it forward. */
  readonly settable: boolean
  /**
   * The current instant. Inside a transaction pass it: the embedded engine has one
   * connection, which the transaction holds.
   */
  now (db?: Kysely<DB>): Promise<Date>
  /** Today's date in Asia/Shanghai, YYYY-MM-DD. */
  today (db?: Kysely<DB>): Promise<string>
  /** The current instant inside a SQL statement. */
  readonly sql: RawBuilder<Date>
}

/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

/** The date of an instant in Asia/Shanghai, where the district reckons its days and years. */
export function shanghaiDate (instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * The instant a Shanghai calendar day begins, plus days: compared with a timestamp
 * column, it keeps the column bare (no conversion of every row) and an index usable.
 */
export function shanghaiMidnight (date: string, days = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000 - SHANGHAI_OFFSET_MS)
}

/** Today's date in Asia/Shanghai as SQL, from the clock's instant. */
export function sqlToday (clock: Clock): RawBuilder<string> {
  return sql<string>`(${clock.sql} at time zone 'Asia/Shanghai')::date`
}

/**
 * Production time: the host's clock, which NTP keeps with the database server's. It
 * costs no query, so a request that needs "today" pays nothing for it.
 */
export function systemClock (): Clock {
  return {
    settable: false,
    now: async () => new Date(),
    today: async () => shanghaiDate(Date.now()),
    sql: sql<Date>`now()`,
  }
}

/**
 * A clock a district administrator can move forward (CLOCK=settable): the database's
 * time plus the shift stored by the last setting, read through clock_now().
 */
export function settableClock (db: Kysely<DB>): Clock {
  const read = (on: Kysely<DB> = db) => sql<{ now: Date }>`select clock_now() as now`.execute(on).then((result) => result.rows[0]!.now)
  return {
    settable: true,
    now: read,
    today: async (on) => shanghaiDate(await read(on)),
    sql: sql<Date>`clock_now()`,
  }
}

/** The clock an instance runs on, as CLOCK says. */
export function clockFor (mode: 'system' | 'settable', db: Kysely<DB>): Clock {
  return mode === 'settable' ? settableClock(db) : systemClock()
}
