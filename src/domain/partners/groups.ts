import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { answerFromRecords, type Answered, type Asked } from './repo.js'

/**
 * The groups one instance answers at once: each is one statement and one commit, sealed
 * once. One measured best (bench/verify.ts, docs/scaling.md): the fewer at once, the larger each.
 */
const GROUPS_AT_ONCE = 1
/** The most questions one statement answers. */
const MOST_A_GROUP = 200

interface Waiting { asked: Asked, resolve: (answer: Answered | undefined) => void, reject: (error: unknown) => void }

/**
 * Questions that arrive while the instance is already answering as many groups as it
 * answers at once wait, and go together in the next group: one statement, one commit
 * and one seal of the audit trail for all of them, where each would have had its own.
 * A question that finds a free place goes at once, alone, so a quiet instance adds no
 * wait. Each answer is given only after its group commits, verification and audit row
 * together. A group that fails is asked again question by question, so one bad question
 * fails alone.
 */
class QuestionGroups {
  private readonly waiting: Waiting[] = []
  private answering = 0

  constructor (private readonly db: Kysely<DB>) {}

  ask (asked: Asked): Promise<Answered | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ asked, resolve, reject })
      if (this.answering < GROUPS_AT_ONCE) void this.answerNext()
    })
  }

  private async answerNext (): Promise<void> {
    this.answering++
    try {
      while (this.waiting.length > 0) await this.answerGroup(this.waiting.splice(0, MOST_A_GROUP))
    } finally {
      this.answering--
    }
  }

  private async answerGroup (group: Waiting[]): Promise<void> {
    try {
      const answers = await answerFromRecords(this.db, group.map((each) => each.asked))
      for (const each of group) each.resolve(answers.get(each.asked.question.reference))
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error)
        return
      }
      await Promise.all(group.map((each) => this.answerGroup([each])))
    }
  }
}

const groupsOf = new WeakMap<Kysely<DB>, QuestionGroups>()

/** A partner's question answered from the records, in a group with those asked at the same moment on the same database. */
export function askRecords (db: Kysely<DB>, asked: Asked): Promise<Answered | undefined> {
  let groups = groupsOf.get(db)
  if (!groups) groupsOf.set(db, groups = new QuestionGroups(db))
  return groups.ask(asked)
}
