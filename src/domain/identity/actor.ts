import type { Role } from './roles.js'

/** Who is calling, as established from the bearer token alone. */
export interface Actor {
  kind: 'officer' | 'partner'
  id: string
  name: string
  roles: Role[]
  /** The root of the region subtree the caller may see and act in. */
  regionCode: string
  tokenId: string
  /** For partners: the programme codes they may ask about. */
  programs: string[]
}
