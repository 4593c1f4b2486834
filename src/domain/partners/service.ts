import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { withAudit } from '../audit/record.js'
import { evaluatePerson } from '../eligibility/service.js'
import type { Acting } from '../identity/acting.js'
import { ruleSetFor } from '../programs/service.js'
import { randomBytesPooled } from '../random.js'
import { inSubtree } from '../regions/scope.js'
import { maskIdNumber, readIdNumber } from '../registry/id-number.js'
import type { Registry } from '../registry/service.js'
import { benefitOutOfScope, verificationNotFound } from './errors.js'
import { askRecords } from './groups.js'
import type { Question, VerificationRow } from './repo.js'
import type { Verification, VerificationQuery } from './schemas.js'

/** Programmes whose entitlement is the household's: a member's case answers for every member (the +5 points of a daughter of a qualifying household). */
const HOUSEHOLD_ENTITLEMENTS = new Set(['GIRLS_PRIORITY'])

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A reference to quote: V and twelve characters of Crockford's base 32, 60 random bits. */
function newReference (): string {
  return `V${[...randomBytesPooled(12)].map((byte) => ALPHABET[byte % 32]).join('')}`
}

/**
 * A partner's question (DESIGN §5): qualified or not, with a reference, and nothing about
 * the person or the household. Every question is audited with the partner, the purpose
 * it gave and the answer, in the statement that records the verification. The records
 * answer it in one statement, with the questions asked at the same moment (groups.ts): an
 * active case of the benefit (for a household entitlement,
 * any member's). Nobody, or nobody in the partner's region, is simply not qualified: the
 * same answer as a holder who does not qualify. For an entitlement that pays nothing and
 * needs no application, a person with no case is answered by the rules today.
 */
export async function verify (registry: Registry, acting: Acting, asked: VerificationQuery): Promise<Verification> {
  const query = { ...asked, idNumber: readIdNumber(asked.idNumber, '/query/idNumber').idNumber }
  const programs = acting.actor.kind === 'partner' ? acting.actor.programs : []
  if (!programs.includes(query.benefit)) throw benefitOutOfScope(query.benefit)
  const today = await acting.clock.today()
  const question = {
    reference: newReference(),
    benefit: query.benefit,
    purpose: query.purpose,
    index: registry.vault.blindIndex(query.idNumber),
    idNumberMasked: maskIdNumber(query.idNumber),
    householdWide: HOUSEHOLD_ENTITLEMENTS.has(query.benefit),
    today,
  }
  const answered = await askRecords(registry.db, { question, acting })
  if (!answered) {
    await ruleSetFor(registry.db, query.benefit) // no programme, or no rules in force: its own refusal
    throw new Error(`${query.benefit}: no active version, yet its rules were found`)
  }
  if (answered.reference) return toVerification(answered as VerificationRow)
  const evaluation = await evaluatePerson(registry.db, acting, { programCode: query.benefit, personId: answered.person_id!, asOf: today })
  return record(registry, acting, question, evaluation.eligible)
}

/** A verification the rules answered, recorded with its audit row in one statement. */
async function record (registry: Registry, acting: Acting, question: Question, qualified: boolean): Promise<Verification> {
  const { reference, benefit, purpose, idNumberMasked, today } = question
  const audit = {
    entityType: 'verification' as const,
    entityId: reference,
    action: 'verify',
    regionCode: acting.scope,
    reason: purpose,
    changes: { partner: acting.actor.name, benefit, idNumber: idNumberMasked, qualified, validUntil: today },
  }
  const { rows } = await withAudit(acting, [audit], sql`
    insert into verifications (reference, partner_id, region_code, benefit, purpose, id_number_masked, qualified, valid_until, checked_at)
    values (${reference}, ${acting.actor.id}, ${acting.scope}, ${benefit}, ${purpose}, ${idNumberMasked}, ${qualified}, ${today}, ${acting.clock.sql})
    returning reference, benefit, qualified, valid_until, checked_at
  `).execute(registry.db)
  return toVerification(rows[0] as VerificationRow)
}

function toVerification (row: VerificationRow): Verification {
  return { reference: row.reference, benefit: row.benefit, qualified: row.qualified, validUntil: row.valid_until, checkedAt: row.checked_at.toISOString() }
}

/** A verification read back: by the partner that asked, or by an auditor of its region. */
export async function getVerification (db: Kysely<DB>, acting: Acting, reference: string): Promise<Verification> {
  let query = db.selectFrom('verifications').selectAll().where('reference', '=', reference)
  query = acting.actor.kind === 'partner' ? query.where('partner_id', '=', acting.actor.id) : query.where(inSubtree('region_code', acting.scope))
  const row = await query.executeTakeFirst()
  if (!row) throw verificationNotFound(reference)
  return toVerification(row)
}
