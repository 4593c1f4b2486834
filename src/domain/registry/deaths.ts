import type { Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'

/** What another part does when a death is recorded, in the transaction that records it. */
export type DeathListener = (trx: Transaction<DB>, acting: Acting, death: { personId: string, date: string }) => Promise<void>

const listeners: DeathListener[] = []

/**
 * Lets another part act on a recorded death (the workflow exits the person's cases)
 * without the registry depending on it. Listening twice with the same function is once.
 */
export function onDeath (listener: DeathListener): void {
  if (!listeners.includes(listener)) listeners.push(listener)
}

/** Tells every listener of a death just recorded, inside the recording transaction. */
export async function deathRecorded (trx: Transaction<DB>, acting: Acting, death: { personId: string, date: string }): Promise<void> {
  for (const listener of listeners) await listener(trx, acting, death)
}
