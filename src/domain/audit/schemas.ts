import Type from 'typebox'
import { pageOf, pageQuery } from '../../http/paging.js'
import { regionCode } from '../regions/schemas.js'
import { PROBLEMS } from './findings.js'
import { TRAIL_HEAD_PATTERN } from './head.js'

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description })

export const AuditActor = Type.Object({
  kind: Type.Enum(['officer', 'partner', 'system'], { description: 'Who acted: an officer, a partner system, or the service itself.' }),
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Officer or partner id; null for the service.' }),
  name: Type.String({ description: 'Name at the time of the action.' }),
  role: nullableString('The role the actor acted in.'),
  regionCode: nullableString('The actor\'s region at the time of the action.'),
}, { $id: 'AuditActor', additionalProperties: false, description: 'The responsible actor named by an audit row.' })

export const AuditEvent = Type.Object({
  seq: Type.Integer({ description: 'Position in the trail.' }),
  occurredAt: Type.String({ format: 'date-time', description: 'When the change committed its transaction\'s time.' }),
  entityType: Type.String({ description: 'Kind of thing changed: region, officer, partner, api_token, …' }),
  entityId: Type.String({ description: 'Its id or code.' }),
  action: Type.String({ description: 'What was done: create, issue, revoke, …' }),
  fromStatus: nullableString('Status before, for status changes.'),
  toStatus: nullableString('Status after, for status changes.'),
  actor: Type.Ref('AuditActor'),
  regionCode: regionCode('Region of the thing changed.'),
  reason: nullableString('The reason given.'),
  requestId: nullableString('The request that made the change.'),
  changes: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'The changed fields, personal data masked.' }),
}, { $id: 'AuditEvent', additionalProperties: false, description: 'One row of the audit trail.' })

export const AuditEventPage = pageOf(Type.Ref('AuditEvent'), 'AuditEventPage', 'A page of the audit trail, oldest first.')

export const AuditEventQuery = Type.Object({
  entityType: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only rows about this kind of thing.' })),
  entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Only rows about this thing.' })),
  officerId: Type.Optional(Type.String({ format: 'uuid', description: 'Only rows naming this officer (or partner) as the actor.' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Only rows at or after this instant.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Only rows before this instant.' })),
  region: Type.Optional(regionCode('Only rows about this region and its subtree.')),
  ...pageQuery,
}, { additionalProperties: false })

export const AuditVerification = Type.Object({
  valid: Type.Boolean({ description: 'True when nothing was altered, removed or inserted around the audit mechanism (and, with since, the trail extends that head).' }),
  rowsChecked: Type.Integer({ description: 'Rows recomputed.' }),
  blocksChecked: Type.Integer({ description: 'Sealed blocks recomputed.' }),
  firstBroken: Type.Union([
    Type.Object({
      seq: Type.Union([Type.Integer(), Type.Null()], { description: 'The row named: see docs/audit.md for which row each problem names. Null for head_mismatch and not_extended, which concern lanes, not rows.' }),
      lane: Type.Union([Type.Integer(), Type.Null()], { description: 'The lane of the block or head concerned; null for a row checked alone (by its own hash, or with no block).' }),
      problem: Type.Enum([...PROBLEMS], { description: 'What is wrong there (docs/audit.md, "Verification").' }),
      detail: Type.String({ description: 'What was found, for a person to read.' }),
    }, { additionalProperties: false }),
    Type.Null(),
  ], { description: 'The first thing found broken: the lowest row named, ties in the order of the checks; lanes after rows; null when valid.' }),
}, { $id: 'AuditVerification', additionalProperties: false, description: 'The result of recomputing the audit trail.' })

const trailHead = (description: string) => Type.String({ pattern: TRAIL_HEAD_PATTERN, maxLength: 1024, description })

export const AuditVerifyQuery = Type.Object({
  since: Type.Optional(trailHead('A head recorded earlier from GET /v1/audit/head: the trail must also still extend it.')),
}, { additionalProperties: false })

export const AuditExportQuery = Type.Object({
  since: Type.Optional(trailHead('A head recorded earlier from GET /v1/audit/head: export only what was sealed after it (and rows sealed by no block).')),
}, { additionalProperties: false })

export const AuditLaneHead = Type.Object({
  lane: Type.Integer({ description: 'The lane, 0–31.' }),
  blockCount: Type.Integer({ description: 'Blocks sealed on the lane.' }),
  headHash: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The hash of its last block, in hex (64 zeros for an empty lane).' }),
}, { $id: 'AuditLaneHead', additionalProperties: false, description: 'The head of one lane.' })

export const AuditHead = Type.Object({
  head: Type.String({ description: 'The trail head to record: the 32 lanes\' block counts and the SHA-256 of their last hashes (docs/audit.md). Pass it later as since.' }),
  lanes: Type.Array(Type.Ref('AuditLaneHead'), { description: 'Each lane\'s head, in lane order.' }),
  readAt: Type.String({ format: 'date-time', description: 'When the head was read, by the service\'s clock.' }),
}, { $id: 'AuditHead', additionalProperties: false, description: 'The current head of the audit trail, for an auditor to record and check later.' })

export interface AuditSinceQuery {
  since?: string
}

export interface AuditEventQuery {
  entityType?: string
  entityId?: string
  officerId?: string
  from?: string
  to?: string
  region?: string
  limit: number
  cursor?: string
}
