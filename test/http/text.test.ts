import t from 'tap'
import { findUncleanData, MAX_DEPTH, TOO_DEEP, UNCLEAN_TEXT } from '../../src/http/text.js'

t.test('the first unclean string or key is named by its JSON pointer, never by its value', async (t) => {
  t.equal(findUncleanData({ members: [{ name: 'ok' }, { name: 'a\u0000b' }] })?.path, '/members/1/name')
  t.same(findUncleanData({ ['x\uD800']: 1 }), { path: '/x\uFFFD', rule: UNCLEAN_TEXT })
  t.equal(findUncleanData({ 'a/b~c': 'lone \uDC00' })?.path, '/a~1b~0c')
  t.equal(findUncleanData({ pair: '\uD83D\uDE00', list: ['clean'] }), undefined)
})

t.test('data nested deeper than any schema is refused at the depth it passes', async (t) => {
  let deep: unknown = 'leaf'
  for (let level = 0; level < MAX_DEPTH + 1; level++) deep = [deep]
  const found = findUncleanData(deep)
  t.equal(found?.rule, TOO_DEEP)
  t.equal(found?.path, '/0'.repeat(MAX_DEPTH))
})

t.test('bytes are not text: an upload is not walked byte by byte (its reader checks what it decodes)', async (t) => {
  const upload = Buffer.alloc(1_000_000, 0) // a million NUL bytes
  t.equal(findUncleanData(upload), undefined)
  t.equal(findUncleanData({ file: new Uint8Array([0, 0xd8]) }), undefined)
  // Walked as data, bytes this deep would count as one more level of nesting.
  let wrapped: unknown = Buffer.from('x')
  for (let level = 0; level < MAX_DEPTH; level++) wrapped = [wrapped]
  t.equal(findUncleanData(wrapped), undefined)
})
