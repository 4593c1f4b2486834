import type { FastifyReply } from 'fastify'
import Type from 'typebox'
import { defineProblem } from './problem.js'

const ifMatchRequired = defineProblem(428, 'if_match_required', () => 'Send If-Match with the ETag of the version you are changing.')
const versionMismatch = defineProblem(412, 'version_mismatch', (current: number) =>
  `The resource has changed: its current ETag is ${etagOf(current)}. Read it again and retry.`)

/** The ETag of a version: "3". */
export function etagOf (version: number): string {
  return `"${version}"`
}

/**
 * Whether an If-Match header lets a change to this version go ahead (RFC 9110 §13.1.1):
 * `*` matches whatever version is current; otherwise one of its entity-tags must equal
 * the current ETag by strong comparison, so a weak tag (W/"3") never matches. Updates
 * require the header: without it a 428, when it does not match a 412.
 */
export function requireVersion (ifMatch: string | undefined, current: number): void {
  if (ifMatch === undefined) {
    throw ifMatchRequired()
  }
  const value = ifMatch.trim()
  if (value === '*') return
  const tags = value.split(',').map((tag) => tag.trim())
  if (!tags.includes(etagOf(current))) {
    throw versionMismatch(current)
  }
}

/** The header an update sends: the ETag of the version it changes. */
export const IfMatch = Type.Object({
  // Optional to the validator so that its absence answers 428, not 400; the OpenAPI
  // document marks it required (src/plugins/openapi.ts).
  'if-match': Type.Optional(Type.String({ description: 'The ETag of the version being changed, or `*` for whichever version is current. Required: without it the answer is 428.' })),
})

/** A response of a versioned resource: its schema, and its version in the ETag header. */
export const versioned = (ref: string, description: string) => ({
  ...Type.Ref(ref), description, headers: { ETag: { type: 'string', description: 'The version, for If-Match.' } },
})

/** Sends the resource's version as its ETag. */
export function withEtag<T extends { version: number }> (reply: FastifyReply, resource: T): T {
  reply.header('etag', etagOf(resource.version))
  return resource
}
