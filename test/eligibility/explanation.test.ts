import t from 'tap'
import { eligibilityWorld } from './world.js'

const world = await eligibilityWorld(t)
const { household, evaluate } = world

interface Node { kind: string, id?: string, label?: string, passed: boolean, children?: Node[], actual?: unknown }
const find = (node: Node, id: string): Node | undefined =>
  node.id === id ? node : node.children?.map((child) => find(child, id)).find(Boolean)

t.test('an answer keeps the rule tree: which alternative held, and each label says what was counted', async (t) => {
  const [husband] = await household([
    { sex: 'male', birthDate: '1940-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1942-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '1965-01-01', relationship: 'child' },
  ])
  const answer = await evaluate('RURAL_REWARD', husband!, '2010-06-30') as unknown as { eligible: boolean, explanation: Node, criteria: Array<{ id: string }> }
  t.equal(answer.eligible, true)
  const root = answer.explanation
  t.match(root, { kind: 'all', passed: true })
  t.same(root.children!.map((node) => node.id), ['lifetime', 'rural', 'born', 'age', 'alive', 'policy', 'children', 'owed'],
    'the root holds the lifetime check, the rules\' top-level nodes and what is owed, in order')
  const children = find(root, 'children')!
  t.match(children, { kind: 'any', passed: true, label: /one living child, or two living daughters/ })
  t.same(children.children!.map((node) => [node.id, node.kind, node.passed]), [
    ['oneChild', 'criterion', true], ['twoDaughtersLiving', 'all', false], ['childrenDied', 'all', false],
  ], 'the alternative that held, and the two that did not, as alternatives')
  t.match(find(root, 'hadChildren'), { kind: 'criterion', label: 'had at least one child, born or adopted', actual: 1, passed: true },
    'a living only son counts as a child had; the label says so')
  t.match(find(root, 'childrenDied'), { label: 'no living child left: the children have died', passed: false })
  t.equal(answer.criteria.length, 12, 'the flat criteria stay for existing clients')
})

t.test('a refusal shows the failing requirement inside its group', async (t) => {
  const [husband] = await household([
    { sex: 'male', birthDate: '1940-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1942-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '1965-01-01', relationship: 'child' },
    { sex: 'female', birthDate: '1968-01-01', relationship: 'child' },
  ])
  const answer = await evaluate('RURAL_REWARD', husband!, '2010-06-30') as unknown as { eligible: boolean, failedOn: string, explanation: Node }
  t.equal(answer.eligible, false)
  t.equal(answer.failedOn, 'children')
  t.match(answer.explanation, { passed: false })
  const pair = find(answer.explanation, 'twoDaughtersLiving')!
  t.same(pair.children!.map((node) => [node.id, node.passed, node.actual]), [['twoChildren', true, 2], ['twoDaughters', false, 1]],
    'two living children, but one daughter: the requirement that failed is named beneath its group')
})
