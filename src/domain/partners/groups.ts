import type { Kysely } from 'kysely'
import { CommitGroups, groupsPerDatabase } from '../../db/commit-groups.js'
import type { DB } from '../../db/types.js'
import { answerFromRecords, type Answered, type Asked } from './repo.js'

/**
 * Partners' questions asked at the same moment on one instance are answered together
 * (CommitGroups): one statement writes each verification and its audit row, one commit
 * and one seal for the group. One group at a time measured best (bench/verify.ts,
 * docs/scaling.md): the fewer at once, the larger each; at most 200 in a statement.
 */
const questionGroupsOf = groupsPerDatabase((db) => new CommitGroups<Asked, Answered | undefined>({
  atOnce: 1,
  most: 200,
  together: async (asked) => {
    const answers = await answerFromRecords(db, asked)
    return asked.map((each) => ({ value: answers.get(each.question.reference) }))
  },
}))

/** A partner's question answered from the records, in a group with those asked at the same moment on the same database. */
export function askRecords (db: Kysely<DB>, asked: Asked): Promise<Answered | undefined> {
  return questionGroupsOf(db).submit(asked)
}
