import type { Role } from './roles.js'

/** Who is calling, as established from the bearer token alone. */
export interface TokenHolder {
  kind: 'officer' | 'partner'
  id: string
  name: string
  roles: Role[]
  /** The root of the region subtree the caller may see and act in. */
  regionCode: string
  tokenId: string
  /** For partners: the programme codes they may ask about. */
  programs: string[]
  /** For partners: the requests a minute they were registered with. */
  rateLimitPerMinute?: number
}

/** The service itself, or its command line: a notice ending, a seed, a job's own steps. */
export interface SystemActor {
  kind: 'system'
  id: null
  name: string
  roles: Role[]
  regionCode: string
}

export type Actor = TokenHolder | SystemActor

/** The officer's id, or null when the actor is not an officer. */
export function officerIdOf (actor: Actor): string | null {
  return actor.kind === 'officer' ? actor.id : null
}
