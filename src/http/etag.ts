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
