import t from 'tap'
import { CommitGroups } from '../../src/db/commit-groups.js'

/** A CommitGroups whose groups are recorded; an item 'bad' makes its group fail, an item 'no' is refused. */
function recorded (atOnce: number) {
  const groups: string[][] = []
  const commitGroups = new CommitGroups<string, string>({
    atOnce,
    most: 3,
    together: async (items) => {
      groups.push(items)
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (items.includes('bad') && items.length > 1) throw new Error('the group cannot commit')
      if (items.includes('bad')) throw new Error('bad alone')
      return items.map((item) => item === 'no' ? { refused: new Error(`refused ${item}`) } : { value: item.toUpperCase() })
    },
  })
  return { groups, commitGroups }
}

t.test('the first items go alone while places are free; those that wait go together, at most `most` a group', async (t) => {
  const { groups, commitGroups } = recorded(1)
  const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => commitGroups.submit(item)))
  t.same(answers, ['A', 'B', 'C', 'D', 'E'], 'each answered with its own value')
  t.same(groups, [['a'], ['b', 'c', 'd'], ['e']])
})

t.test('two places: two go at once, alone', async (t) => {
  const { groups, commitGroups } = recorded(2)
  await Promise.all(['a', 'b', 'c', 'd'].map((item) => commitGroups.submit(item)))
  t.same(groups.slice(0, 2), [['a'], ['b']])
  t.same(groups.slice(2).flat().sort(), ['c', 'd'])
})

t.test('a refused item is refused alone; a group that fails is run again item by item', async (t) => {
  const { groups, commitGroups } = recorded(1)
  const outcomes = await Promise.allSettled(['a', 'no', 'bad', 'c'].map((item) => commitGroups.submit(item)))
  t.same(outcomes.map((outcome) => outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message),
    ['A', 'refused no', 'bad alone', 'C'])
  t.same(groups, [['a'], ['no', 'bad', 'c'], ['no'], ['bad'], ['c']], 'the failed group of three, then each of its items alone')
})
