import type { Kysely, Transaction } from 'kysely'
import type { DB } from './types.js'

/**
 * Runs work in a transaction: the one it is given, or a new one. Services call it, so
 * an operation run on its own opens its transaction, and the same operation called by
 * another part inside that part's transaction joins it (Kysely has no nested ones).
 */
export function inTransaction<T> (db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work)
}
