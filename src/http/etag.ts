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
 * The version an If-Match header names. Updates require it: without it a 428,
 * with a version other than the current one a 412.
 */
export function requireVersion (ifMatch: string | undefined, current: number): void {
  if (ifMatch === undefined) {
    throw ifMatchRequired()
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim())
  if (!match || Number(match[1]) !== current) {
    throw versionMismatch(current)
  }
}

/** The header an update sends: the ETag of the version it changes. */
export const IfMatch = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of the version being changed; required.' })),
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
