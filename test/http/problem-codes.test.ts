import { readFile } from 'node:fs/promises'
import t from 'tap'
import { definedProblems } from '../../src/http/problem.js'
import { buildApp } from '../helper.js'

/** The codes docs/errors.md lists, with their statuses; `id_number_*` stands for a family. */
async function documentedCodes (): Promise<Array<{ code: string, status: number }>> {
  const text = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  return text.split('\n').filter((line) => line.startsWith('| `')).flatMap((line) => {
    const [first, status] = line.split('|').slice(1, 3)
    return [...first!.matchAll(/`([a-z0-9_*]+)`/g)].map((match) => ({ code: match[1]!, status: Number(status!.trim()) }))
  })
}

t.test('every problem code the service can answer is in docs/errors.md, with its status', async (t) => {
  await buildApp(t) // loads every part, and with it every problem it defines
  const documented = await documentedCodes()
  const defined = definedProblems()
  t.ok(defined.size > 60, `${defined.size} codes defined`)
  for (const [code, status] of defined) {
    const entry = documented.find((each) => each.code === code || (each.code.endsWith('*') && code.startsWith(each.code.slice(0, -1))))
    t.ok(entry, `${code} is documented`)
    if (entry) t.equal(entry.status, status, `${code} is documented with status ${status}`)
  }
  for (const { code } of documented) {
    const known = code.endsWith('*') ? [...defined.keys()].some((each) => each.startsWith(code.slice(0, -1))) : defined.has(code)
    t.ok(known, `${code} in docs/errors.md is a code the service answers`)
  }
})

t.test('problems are defined once, in each part\'s errors, not built where they are thrown', async (t) => {
  const { execFileSync } = await import('node:child_process')
  const found = execFileSync('grep', ['-rln', 'new ProblemError(', 'src'], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname })
    .trim().split('\n').filter(Boolean)
  t.same(found, ['src/http/problem.ts'])
})
