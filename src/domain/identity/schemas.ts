import Type, { type Static } from 'typebox'
import { pageOf, pageQuery } from '../../http/paging.js'
import { regionCode } from '../regions/schemas.js'
import { OFFICER_ROLES } from './roles.js'

export const uuid = (description: string) => Type.String({ format: 'uuid', description })

export const OfficerRole = Type.Enum([...OFFICER_ROLES], { description: 'A role of an officer.' })

export const PROGRAM_CODE_PATTERN = '^[A-Z][A-Z0-9_]{1,63}$'

export const Officer = Type.Object({
  id: uuid('Officer id.'),
  name: Type.String({ description: 'Full name: the person answerable for what they sign.' }),
  roles: Type.Array(OfficerRole, { description: 'What the officer may do.' }),
  regionCode: regionCode('The officer sees and acts in this region and everything under it.'),
  createdAt: Type.String({ format: 'date-time', description: 'When the officer was registered.' }),
}, { $id: 'Officer', additionalProperties: false, description: 'A member of staff with roles in a region.' })

export const OfficerCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Full name.' }),
  roles: Type.Array(OfficerRole, { minItems: 1, maxItems: 8, uniqueItems: true, description: 'Roles to grant.' }),
  regionCode: regionCode('Region the officer works in; must be in your region.'),
}, { $id: 'OfficerCreate', additionalProperties: false, description: 'A new officer.' })

export const OfficerPage = pageOf(Type.Ref('Officer'), 'OfficerPage', 'A page of officers.')

export const OfficerListQuery = Type.Object({
  region: Type.Optional(regionCode('Only officers of this region and its subtree.')),
  ...pageQuery,
}, { additionalProperties: false })

export const Partner = Type.Object({
  id: uuid('Partner system id.'),
  name: Type.String({ description: 'Name of the system.' }),
  department: Type.String({ description: 'The department that runs it, e.g. 教育局.' }),
  programs: Type.Array(Type.String({ pattern: PROGRAM_CODE_PATTERN }), { description: 'Programme codes it may ask about.' }),
  regionCode: regionCode('Region whose people it may ask about.'),
  rateLimitPerMinute: Type.Integer({ description: 'Requests per minute it may make.' }),
  createdAt: Type.String({ format: 'date-time', description: 'When the partner was registered.' }),
}, { $id: 'Partner', additionalProperties: false, description: 'A partner department\'s system.' })

export const PartnerCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Name of the system.' }),
  department: Type.String({ minLength: 1, maxLength: 100, description: 'The department that runs it.' }),
  programs: Type.Array(Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'A programme code, e.g. GIRLS_PRIORITY.' }), {
    minItems: 1, maxItems: 50, uniqueItems: true, description: 'Programme codes it may ask about.',
  }),
  regionCode: Type.Optional(regionCode('Region whose people it may ask about; yours when omitted. Must be in your region.')),
  rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 60, description: 'Requests per minute (default 60).' })),
}, { $id: 'PartnerCreate', additionalProperties: false, description: 'A new partner system.' })

export const TokenRequest = Type.Object({
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the token stops working; a year from now when omitted.' })),
}, { $id: 'TokenRequest', additionalProperties: false, description: 'Options for a new token.' })

export const IssuedToken = Type.Object({
  id: uuid('Token id, for revoking it.'),
  token: Type.String({ description: 'The bearer token. Shown this once; only its hash is kept.' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When it stops working.' }),
}, { $id: 'IssuedToken', additionalProperties: false, description: 'A newly issued API token.' })

/** The path parameters of a route that names one thing by its id: "The case's id." */
export const idOf = (what: string) => Type.Object({ id: uuid(`The ${what}'s id.`) }, { additionalProperties: false })

export type Officer = Static<typeof Officer>
export type OfficerCreate = Static<typeof OfficerCreate>
export type Partner = Static<typeof Partner>
export type PartnerCreate = Static<typeof PartnerCreate>
export type TokenRequest = Static<typeof TokenRequest>
export type IssuedToken = Static<typeof IssuedToken>
