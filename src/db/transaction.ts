import type { Kysely, Transaction } from 'kysely'
import { isConnectionLost } from './errors.js'
import type { DB } from './types.js'

/**
 * Runs work in a transaction: the one it is given, or a new one. Services call it, so
 * an operation run on its own opens its transaction, and the same operation called by
 * another part inside that part's transaction joins it (Kysely has no nested ones).
 *
 * A new transaction that the database cut before it committed (the connection
 * terminated, the server restarting) is run once more, from the start, on another
 * connection: the database rolled the first attempt back, so nothing of it remains.
 * One that lost its connection during COMMIT is not run again, as it may have
 * committed; that error goes up, and the caller is told the database is unavailable.
 */
export async function inTransaction<T> (db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<DB>)
  let committing = false
  const attempt = () => db.transaction().execute(async (trx) => {
    committing = false
    const result = await work(trx)
    committing = true
    return result
  })
  try {
    return await attempt()
  } catch (error) {
    if (committing || !isConnectionLost(error)) throw error
    return attempt()
  }
}

/**
 * Runs a read once more on another connection when its connection was lost: a read
 * changes nothing, so trying it again is always safe.
 */
export async function readAgainIfCut<T> (read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!isConnectionLost(error)) throw error
    return read()
  }
}
