import fc from 'fast-check'

/**
 * fast-check arbitraries built from the OpenAPI document: for each operation, requests
 * whose path, query, headers and body are drawn from the operation's own schemas, then
 * broken — a field replaced by a hostile value, an unknown field added, a required one
 * dropped, a type flipped, a body that is not JSON, a header that lies.
 */

type Schema = Record<string, any>

export interface Operation {
  method: string
  path: string
  operationId: string
  parameters: Array<{ name: string, in: 'path' | 'query' | 'header', required?: boolean, schema: Schema }>
  body?: { contentTypes: string[], schema: Schema | undefined }
}

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
}

export interface FuzzContext {
  document: { paths: Record<string, Record<string, any>>, components: { schemas: Record<string, Schema> } }
  /** Ids of things that exist, so that some requests reach past the 404. */
  knownIds: string[]
  /** Tokens by kind: each request picks one, or none, or a broken one. */
  tokens: { admin: string, registrar: string, partner: string }
}

export function operationsOf (document: FuzzContext['document']): Operation[] {
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = operation.requestBody?.content as Record<string, { schema?: Schema }> | undefined
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        parameters: operation.parameters ?? [],
        ...(content ? { body: { contentTypes: Object.keys(content), schema: Object.values(content)[0]?.schema } } : {}),
      })
    }
  }
  return operations
}

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff']

/** Values no field should take whole, whatever its type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '\u0000', 'a\u0000b', '张\u0000明', ...LONE, `x${LONE[0]}y`, `${LONE[2]}${LONE[0]}`, '', ' ', '\t\n', '%00', '%ZZ', '%', '../..',
    "' or 1=1 --", '<script>alert(1)</script>', '\u202e', '😀'.repeat(30), '0000-01-01', '2026-02-30', '9999-12-31T23:59:60Z',
    '-0001-01-01', '1e309', 'NaN', 'true', 'null', '[]', '{}', 'urn:uuid:00000000-0000-0000-0000-000000000000',
    '00000000-0000-0000-0000-00000000000G', '420102198701088993', 'x'.repeat(5000),
    2147483648, -2147483649, 4294967296, 9007199254740993, 1e308, -1e308, 0.5, -0, 1e-320,
    null, true, false, [], {}, [[[[[]]]]], { __proto__: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":true}}'),
    { constructor: { prototype: {} } },
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }).map((text) => `${text}${LONE[text.length % LONE.length]}`),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.nat({ max: 400 }).map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 1)),
)

/** Hostile text for a place that only takes text (a path segment, a query value, a header). */
export const hostileText: fc.Arbitrary<string> = hostileValue.map((value) => typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined')

function resolve (context: FuzzContext, schema: Schema | undefined): Schema {
  if (!schema) return {}
  if (typeof schema.$ref === 'string') return resolve(context, context.document.components.schemas[schema.$ref.split('/').pop()!])
  return schema
}

/** A value that fits the schema, mostly: the starting point that hostile changes are made to. */
export function valueOf (context: FuzzContext, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(context, raw)
  if (depth > 4) return fc.constantFrom<unknown>(null, 'deep', 1)
  if (schema.anyOf || schema.oneOf) return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((each: Schema) => valueOf(context, each, depth + 1)))
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string': return stringOf(context, schema)
    case 'integer': return fc.integer({ min: Math.max(schema.minimum ?? -1000, -2147483648), max: Math.min(schema.maximum ?? 3000, 2147483647) })
    case 'number': return fc.double({ noNaN: true, noDefaultInfinity: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': return fc.array(valueOf(context, schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) })
    case 'object': {
      const properties = Object.entries<Schema>(schema.properties ?? {})
      const model = Object.fromEntries(properties.map(([name, property]) => [name, valueOf(context, property, depth + 1)]))
      const record = fc.record(model, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>
      if (properties.length > 0 || !schema.additionalProperties) return record
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), valueOf(context, schema.additionalProperties, depth + 1), { maxKeys: 3 })
    }
    default: return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.string({ maxLength: 8 }), fc.boolean())
  }
}

function stringOf (context: FuzzContext, schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...context.knownIds), fc.uuid())
  if (schema.format === 'date') return fc.date({ min: new Date('1880-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10))
  if (schema.format === 'date-time') return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((date) => date.toISOString())
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? 1000))
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) })
}

/** The value, broken in one place: a leaf replaced, a field added or dropped, or the whole of it swapped. */
export function brokenOf (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileValue, fc.constantFrom('replace', 'replace', 'add', 'drop', 'swap'), fc.string({ minLength: 1, maxLength: 12 }))
    .map(([value, pick, hostile, how, key]) => {
      if (how === 'swap') return hostile
      const containers: Array<Record<string, unknown> | unknown[]> = []
      const walk = (node: unknown) => {
        if (node !== null && typeof node === 'object') {
          containers.push(node as Record<string, unknown>)
          for (const child of Object.values(node)) walk(child)
        }
      }
      walk(value)
      const target = containers[pick % Math.max(containers.length, 1)]
      if (!target) return hostile
      const keys = Object.keys(target)
      if (how === 'add' && !Array.isArray(target)) target[key] = hostile
      else if (how === 'drop' && keys.length > 0) delete (target as Record<string, unknown>)[keys[pick % keys.length]!]
      else if (keys.length > 0) (target as Record<string, unknown>)[keys[pick % keys.length]!] = hostile
      else return hostile
      return value
    })
}

/** Text for a URL: mostly percent-encoded, sometimes sent raw (a bad escape, a slash, a dot segment stay as they are). */
const urlText = (text: fc.Arbitrary<string>) => fc.tuple(text, fc.nat({ max: 9 })).map(([value, roll]) => roll === 0 ? value : percentEncoded(value, /[^A-Za-z0-9_.!~*'()-]/gu))
/** What a URL cannot carry at all, encoded, the rest left raw. */
const safeUrl = (text: string) => percentEncoded(text, /[\u0000-\u0020\u007f-\u{10ffff}#?]/gu)

/** Percent-encodes the characters matched, a lone surrogate as the three bytes it would be (which are not UTF-8). */
function percentEncoded (text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (char) => {
    const code = char.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | code >> 12).toString(16)}%${(0x80 | code >> 6 & 0x3f).toString(16)}%${(0x80 | code & 0x3f).toString(16)}`.toUpperCase()
    return encodeURIComponent(char)
  })
}

function textOf (context: FuzzContext, schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: valueOf(context, schema).map((value) => typeof value === 'string' ? value : String(value)) },
    { weight: 2, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constantFrom('2147483648', '-1', '0', '1.5', '99999999999999999999', 'ImFiYyI', 'eyJhIjoxfQ', 'AA', '=', 'x'.repeat(600)) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')) },
  )
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml', 'text/csv', 'application/x-ndjson', '*/*', 'application/json, text/csv']

/** Requests for one operation, built from its schemas and then broken. */
export function requestsFor (context: FuzzContext, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path')
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query')
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === 'header')

  const path = fc.tuple(...pathParameters.map((parameter) => urlText(textOf(context, parameter.schema))))
    .map((values) => pathParameters.reduce((url, parameter, index) => url.replace(`{${parameter.name}}`, safeUrl(values[index]!)), operation.path))

  const queryPairs = fc.tuple(
    ...queryParameters.map((parameter) => fc.option(fc.tuple(fc.constant(parameter.name), urlText(textOf(context, parameter.schema))), { freq: 2 })),
    fc.option(fc.tuple(fc.constantFrom('unknown', 'limit', 'cursor', '__proto__', 'a[b]', 'idNumber'), urlText(hostileText)), { freq: 3 }),
  ).map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== null))
  const query = fc.oneof(
    { weight: 8, arbitrary: queryPairs.map((pairs) => pairs.length ? `?${pairs.map(([key, value]) => `${key}=${safeUrl(value)}`).join('&')}` : '') },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?limit=1&limit=2', '?=x', '?%ZZ=1', '?limit=%00', `?name=${'a'.repeat(3000)}`, '?cursor=%ED%A0%80') },
  )

  const authorization = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(`Bearer ${context.tokens.admin}`, `Bearer ${context.tokens.registrar}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${context.tokens.partner}`) },
    { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, '', 'Bearer', 'Bearer ', `bearer ${context.tokens.admin}`, `Basic ${context.tokens.admin}`,
      `Bearer ${context.tokens.admin}x`, `Bearer hm_${'A'.repeat(43)}`, `Bearer ${context.tokens.admin} ${context.tokens.admin}`, 'Bearer \u00ff\u00fe') },
  )
  const declaredHeaders = fc.tuple(...headerParameters.map((parameter) => fc.option(fc.tuple(fc.constant(parameter.name), textOf(context, parameter.schema)))))
  const extraHeaders = fc.option(fc.tuple(fc.constantFrom('x-request-id', 'accept', 'if-match', 'idempotency-key', 'x-forwarded-for', 'content-encoding', 'transfer-encoding'), hostileText), { freq: 3 })

  const body: fc.Arbitrary<{ payload?: string, contentType?: string }> = operation.body
    ? bodyOf(context, operation.body)
    : fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record({ payload: fc.jsonValue().map((value) => JSON.stringify(value)), contentType: fc.constantFrom(...JSON_TYPES) }) })

  return fc.record({ path, query, authorization, declaredHeaders, extraHeaders, body }).map((parts): FuzzRequest => {
    const headers: Record<string, string> = {}
    if (parts.authorization !== undefined) headers.authorization = parts.authorization
    for (const pair of [...parts.declaredHeaders, parts.extraHeaders]) if (pair) headers[pair[0]] = headerSafe(pair[1])
    if (parts.body.contentType !== undefined) headers['content-type'] = parts.body.contentType
    return { method: operation.method, url: `${parts.path}${parts.query}`, headers, ...(parts.body.payload !== undefined ? { payload: parts.body.payload } : {}) }
  })
}

function bodyOf (context: FuzzContext, body: NonNullable<Operation['body']>): fc.Arbitrary<{ payload?: string, contentType?: string }> {
  const [contentType] = body.contentTypes
  if (contentType === 'text/csv' || contentType === 'application/x-ndjson') {
    const line = fc.array(fc.oneof(hostileText, fc.constantFrom('household', 'regionCode', '420102.001.001', '"', '""', '"a,b"', 'x"y', '户号')), { maxLength: 12 }).map((cells) => cells.join(','))
    return fc.record({
      payload: fc.oneof(
        fc.array(line, { minLength: 1, maxLength: 6 }).map((lines) => ['household,regionCode,hukouType,address,name,idNumber,sex,birthDate,relationship', ...lines].join('\n')),
        fc.array(brokenOf(valueOf(context, { $ref: '#/components/schemas/HouseholdCreate' })).map((value) => JSON.stringify(value) ?? 'null'), { maxLength: 4 }).map((lines) => lines.join('\n')),
        hostileText,
      ),
      contentType: fc.constantFrom(...body.contentTypes, 'text/csv; charset=gbk', 'application/json'),
    })
  }
  const valid = valueOf(context, body.schema)
  return fc.oneof(
    { weight: 2, arbitrary: valid.map((value) => ({ payload: JSON.stringify(value), contentType: 'application/json' })) },
    { weight: 6, arbitrary: brokenOf(valid).map((value) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.record({ payload: fc.oneof(hostileText, fc.constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', 'null', '""', '1e99999', `${'['.repeat(5000)}${']'.repeat(5000)}`)), contentType: fc.constantFrom('application/json') }) },
    { weight: 1, arbitrary: fc.record({ payload: valid.map((value) => JSON.stringify(value)), contentType: fc.constantFrom(...JSON_TYPES) }) },
    { weight: 1, arbitrary: fc.constant({}) },
  )
}

/** A header value HTTP can carry (no line breaks or NUL: the HTTP layer itself refuses those, as the parser test shows). */
function headerSafe (value: string): string {
  return value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '').replace(/[^\u0000-\u00ff]/g, '?')
}
