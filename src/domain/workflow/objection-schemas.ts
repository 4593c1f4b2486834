import Type, { type Static } from 'typebox'
import { pageOf, pageQuery } from '../../http/paging.js'
import { uuid } from '../identity/schemas.js'
import { regionCode } from '../regions/schemas.js'

const Channel = Type.Enum(['hotline', 'walk_in', 'letter', 'online'], { type: 'string', description: 'How the objection came in.' })
const ReceivedAt = Type.Enum(['district', 'township', 'village', 'hamlet'], { type: 'string', description: 'The level whose report line received it (举报).' })
export const ObjectionStatus = Type.Enum(['open', 'investigating', 'upheld', 'dismissed'], {
  type: 'string', description: 'open → investigating → upheld or dismissed. Open or investigating, it holds its case where it stands.',
})

const content = Type.String({ minLength: 1, maxLength: 4000, description: 'What the objection says.' })
const contact = Type.String({ minLength: 1, maxLength: 200, description: 'How to reach whoever objected, if they gave a way.' })

export const ObjectionCreate = Type.Object({
  channel: Channel,
  receivedAt: ReceivedAt,
  content,
  contact: Type.Optional(contact),
}, { $id: 'ObjectionCreate', additionalProperties: false, description: 'An objection logged by an officer.' })

export const PublicObjectionCreate = Type.Object({
  content,
  contact: Type.Optional(contact),
}, { $id: 'PublicObjectionCreate', additionalProperties: false, description: 'An objection from the public against a posted notice.' })

export const Objection = Type.Object({
  id: uuid('Objection id.'),
  caseId: uuid('The case objected to.'),
  noticeId: Type.Union([uuid('The notice.'), Type.Null()], { description: 'The notice it was filed against, for the public\'s.' }),
  source: Type.Enum(['officer', 'public'], { type: 'string', description: 'Logged by an officer, or filed by the public against a notice.' }),
  channel: Channel,
  receivedAt: ReceivedAt,
  content: Type.String({ description: 'What it says.' }),
  contact: Type.Optional(Type.String({ description: 'How to reach whoever objected: shown to the reviewers and confirmers who decide it.' })),
  status: ObjectionStatus,
  loggedAt: Type.String({ format: 'date-time', description: 'When it came in, on the service\'s clock.' }),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was upheld or dismissed.' }),
}, { $id: 'Objection', additionalProperties: false, description: 'An objection (举报) against a case.' })

export const PublicObjectionReceipt = Type.Object({
  id: uuid('A reference to quote when calling the report line.'),
  status: ObjectionStatus,
  receivedOn: Type.String({ format: 'date', description: 'The day it was received.' }),
}, { $id: 'PublicObjectionReceipt', additionalProperties: false, description: 'A receipt for an objection from the public: nothing about the case.' })

export const ObjectionPage = pageOf(Type.Ref('Objection'), 'ObjectionPage', 'A page of objections.')

export const ObjectionListQuery = Type.Object({
  status: Type.Optional(ObjectionStatus),
  caseId: Type.Optional(uuid('Only objections to this case.')),
  region: Type.Optional(regionCode('Only objections to cases of households in this region and its subtree.')),
  ...pageQuery,
}, { additionalProperties: false })

export const ObjectionTransition = Type.Object({
  action: Type.Enum(['investigate', 'uphold', 'dismiss'], { type: 'string', description: 'investigate (open → investigating), uphold or dismiss.' }),
  reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why: required for every step.' }),
}, { $id: 'ObjectionTransition', additionalProperties: false, description: 'A step on an objection by a reviewer or confirmer.' })

export type ObjectionCreate = Static<typeof ObjectionCreate>
export type PublicObjectionCreate = Static<typeof PublicObjectionCreate>
export type Objection = Static<typeof Objection>
export type ObjectionListQuery = Static<typeof ObjectionListQuery>
export type ObjectionTransition = Static<typeof ObjectionTransition>
