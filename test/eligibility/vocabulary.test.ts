import { readFile } from 'node:fs/promises'
import t from 'tap'
import { FACTS } from '../../src/domain/eligibility/facts.js'
import { formatFen, splitFen, toFen } from '../../src/domain/money.js'

t.test('docs/eligibility.md describes every fact of the vocabulary, and no other', async (t) => {
  const docs = await readFile(new URL('../../docs/eligibility.md', import.meta.url), 'utf8')
  const section = docs.slice(docs.indexOf('## Facts'), docs.indexOf('## Amounts'))
  const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1])
  t.same(documented.sort(), Object.keys(FACTS).sort())
})

t.test('money is integer fen, shown with two decimals', async (t) => {
  t.equal(toFen('960.00'), 96000)
  t.equal(toFen('0.05'), 5)
  t.equal(formatFen(96000), '960.00')
  t.equal(formatFen(5), '0.05')
  t.throws(() => toFen('960'), 'two decimals are required')
  t.throws(() => toFen('9.6e2'))
  t.throws(() => formatFen(1.5))
})

t.test('a funding split adds up to the amount exactly, the odd fen going to the largest remainders', async (t) => {
  t.same(splitFen(96000, [{ source: 'central', percent: 50 }, { source: 'provincial', percent: 30 }, { source: 'district', percent: 20 }]),
    [{ source: 'central', fen: 48000 }, { source: 'provincial', fen: 28800 }, { source: 'district', fen: 19200 }])
  const odd = splitFen(1001, [{ source: 'a', percent: 33 }, { source: 'b', percent: 33 }, { source: 'c', percent: 34 }])
  t.equal(odd.reduce((sum, part) => sum + part.fen, 0), 1001)
  t.same(odd.map((part) => part.fen), [330, 330, 341])
  for (let fen = 0; fen < 2000; fen += 7) {
    const parts = splitFen(fen, [{ source: 'a', percent: 17 }, { source: 'b', percent: 41 }, { source: 'c', percent: 42 }])
    if (parts.reduce((sum, part) => sum + part.fen, 0) !== fen) t.fail(`${fen} split into ${JSON.stringify(parts)}`)
  }
})
