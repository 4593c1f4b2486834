import type { Kysely } from 'kysely'
import type { DB } from './types.js'

/** One item's outcome in its group: its value, or the refusal it was answered with (nothing of it written). */
export type Settled<O> = { value: O } | { refused: unknown }

export interface CommitGroupsOptions<I, O> {
  /** The groups one instance runs at once. */
  atOnce: number
  /** The most items one group takes. */
  most: number
  /**
   * Does the items' work in one transaction, committed once, and answers each item's
   * outcome in order. It throws when the group cannot commit; each item is then run
   * again alone, so one bad item fails alone.
   */
  together: (items: I[]) => Promise<Array<Settled<O>>>
}

/**
 * Work that arrives while the instance already runs as many groups as it runs at once
 * waits, and goes together in the next group: one transaction, one commit and one seal
 * of the audit trail for all of it, where each would have had its own. An item that
 * finds a free place goes at once, alone, so a quiet instance adds no wait. Each
 * answer is given only after its group commits.
 */
interface Waiting<I, O> { item: I, resolve: (value: O) => void, reject: (error: unknown) => void }

export class CommitGroups<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = []
  private running = 0

  constructor (private readonly options: CommitGroupsOptions<I, O>) {}

  submit (item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (this.running < this.options.atOnce) void this.runNext()
    })
  }

  private async runNext (): Promise<void> {
    this.running++
    try {
      while (this.waiting.length > 0) await this.runGroup(this.waiting.splice(0, this.options.most))
    } finally {
      this.running--
    }
  }

  private async runGroup (group: Array<Waiting<I, O>>): Promise<void> {
    try {
      const outcomes = await this.options.together(group.map((each) => each.item))
      group.forEach((each, index) => {
        const outcome = outcomes[index]!
        if ('value' in outcome) each.resolve(outcome.value)
        else each.reject(outcome.refused)
      })
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error)
        return
      }
      await Promise.all(group.map((each) => this.runGroup([each])))
    }
  }
}

/** One set of groups for each database handle (each test's instance has its own). */
export function groupsPerDatabase<I, O> (create: (db: Kysely<DB>) => CommitGroups<I, O>): (db: Kysely<DB>) => CommitGroups<I, O> {
  const groupsOf = new WeakMap<Kysely<DB>, CommitGroups<I, O>>()
  return (db) => {
    let groups = groupsOf.get(db)
    if (!groups) groupsOf.set(db, groups = create(db))
    return groups
  }
}
