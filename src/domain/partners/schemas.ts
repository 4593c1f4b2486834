import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { PROGRAM_CODE_PATTERN } from '../identity/schemas.js'

export const VerificationQuery = Type.Object({
  idNumber: Type.String({ minLength: 1, maxLength: 32, description: 'The ID number asked about: 18 characters, or a first-generation 15 digits; normalised as the registry does.' }),
  benefit: Type.String({ pattern: PROGRAM_CODE_PATTERN, description: 'The programme or entitlement, one your system is registered for: GIRLS_PRIORITY …' }),
  purpose: Type.String({ minLength: 1, maxLength: 200, description: 'Why you ask, as your department records it: 中考加分审核 2026 …; kept in the audit trail.' }),
}, { additionalProperties: false })

export const Verification = Type.Object({
  reference: Type.String({ pattern: '^V[0-9A-Z]{12}$', description: 'The answer\'s reference, to quote and to read back at GET /v1/verifications/{reference}.' }),
  benefit: Type.String({ description: 'The programme or entitlement asked about.' }),
  qualified: Type.Boolean({ description: 'True when the person holds it. An ID number nobody in your region holds answers false, like one whose holder does not qualify.' }),
  validUntil: calendarDate('The last day the answer holds: the end of the year for a beneficiary, today for an answer from the rules or a false one.'),
  checkedAt: Type.String({ format: 'date-time', description: 'When the question was answered.' }),
}, { $id: 'Verification', additionalProperties: false, description: 'Whether a person holds a benefit, and nothing else.' })

export const ReferenceParams = Type.Object({
  reference: Type.String({ pattern: '^V[0-9A-Z]{12}$', description: 'A verification\'s reference.' }),
}, { additionalProperties: false })

export type VerificationQuery = Static<typeof VerificationQuery>
export type Verification = Static<typeof Verification>
