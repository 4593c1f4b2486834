import { sql, type Kysely } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { recordAudit } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import { levelOf } from '../regions/scope.js'
import { shanghaiDate, type Clock } from './clock.js'
import { clockBackwards, clockDistrictOnly, clockNotSettable } from './errors.js'
import type { ClockReading } from './schemas.js'

export async function readClock (clock: Clock, db?: Kysely<DB>): Promise<ClockReading> {
  const now = await clock.now(db)
  return { now: now.toISOString(), today: shanghaiDate(now), settable: clock.settable }
}

/**
 * Sets a settable clock (a training or test instance): the first setting may be any
 * instant, past included; after that the clock only moves forward. Kept as a shift
 * from real time, so it runs on from the instant set. Audited.
 */
export async function setClock (db: Kysely<DB>, acting: Acting, to: string): Promise<ClockReading> {
  if (!acting.clock.settable) throw clockNotSettable()
  if (acting.actor.kind !== 'system' && levelOf(acting.scope) !== 'district') throw clockDistrictOnly()
  const instant = new Date(to)
  return inTransaction(db, async (trx) => {
    const previous = await trx.selectFrom('clock_setting').select('set_to').forUpdate().executeTakeFirst()
    const before = await acting.clock.now(trx)
    if (previous && instant < before) throw clockBackwards(before.toISOString())
    await sql`
      insert into clock_setting (id, shift, set_to) values (true, ${instant}::timestamptz - now(), ${instant})
      on conflict (id) do update set shift = excluded.shift, set_to = excluded.set_to, set_at = now()
    `.execute(trx)
    await recordAudit(trx, acting, {
      entityType: 'clock',
      entityId: 'clock',
      action: 'set',
      regionCode: acting.scope,
      changes: { from: previous ? before.toISOString() : null, to: instant.toISOString() },
    })
    return readClock(acting.clock, trx)
  })
}
