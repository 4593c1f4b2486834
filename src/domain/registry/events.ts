import type { Kysely } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { recordAudit } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import {
  dateInFuture, eventAfterDeath, eventBeforeBirth, eventFieldRequired, eventNotFound, eventSuperseded, eventTypeMismatch, personNotFound,
  sterilisationUnder18,
} from './errors.js'
import { deathRecorded } from './deaths.js'
import { findPerson, updatePerson } from './repo.js'
import type { PersonEvent, PersonEventCreate } from './schemas.js'

/** Fields each type of event must carry. */
const REQUIRED: Partial<Record<PersonEventCreate['type'], Array<keyof PersonEventCreate>>> = {
  only_child_certificate: ['number'],
  exam_result: ['exam', 'tier'],
  disability_assessment: ['grade'],
  service: ['service'],
}

const DETAIL_FIELDS = ['number', 'exam', 'tier', 'grade', 'certificate', 'service', 'childId', 'cause'] as const

/** Whole years between a birth date and a date, both YYYY-MM-DD. */
export function ageOn (birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1
}

type EventRow = { id: string, person_id: string, type: PersonEvent['type'], date: string, details: Record<string, unknown>, supersedes_id: string | null, recorded_at: Date }

function toEvent (row: EventRow, supersededById: string | null): PersonEvent {
  return {
    id: row.id,
    personId: row.person_id,
    type: row.type,
    date: row.date,
    ...row.details,
    supersedesId: row.supersedes_id,
    supersededById,
    recordedAt: row.recorded_at.toISOString(),
  }
}

/**
 * Records a dated fact. Facts are never changed: a correction is a new event that
 * supersedes the old one, which stays on record. A death also sets the person's death
 * date; a disability assessment sets their current grade and certificate.
 */
export async function recordPersonEvent (db: Kysely<DB>, acting: Acting, personId: string, input: PersonEventCreate): Promise<PersonEvent> {
  for (const field of REQUIRED[input.type] ?? []) {
    if (input[field] === undefined) throw eventFieldRequired(`/body/${field}`, input.type, field)
  }
  return inTransaction(db, async (trx) => {
    if (input.date > await acting.clock.today(trx)) throw dateInFuture('/body/date', 'date')
    const person = await findPerson(trx, personId, acting.scope, true)
    if (!person) throw personNotFound(personId)
    if (input.date < person.birth_date) throw eventBeforeBirth('/body/date')
    if (person.death_date && input.type !== 'death' && input.date > person.death_date) {
      throw eventAfterDeath('/body/date')
    }
    if (input.type === 'sterilisation' && ageOn(person.birth_date, input.date) < 18) {
      throw sterilisationUnder18('/body/date')
    }
    if (input.childId && !await findPerson(trx, input.childId, acting.scope)) throw personNotFound(input.childId)
    if (input.supersedes) await requireSupersedable(trx, personId, input)

    const details = Object.fromEntries(DETAIL_FIELDS.filter((field) => input[field] !== undefined).map((field) => [field, input[field]]))
    const row = await trx.insertInto('person_events')
      .values({ person_id: personId, type: input.type, date: input.date, details: JSON.stringify(details), supersedes_id: input.supersedes ?? null })
      .returningAll()
      .executeTakeFirstOrThrow()
    if (input.type === 'death') await updatePerson(trx, personId, { death_date: input.date })
    if (input.type === 'disability_assessment') {
      await updatePerson(trx, personId, { disability_grade: input.grade ?? null, disability_certificate: input.certificate ?? null })
    }
    await recordAudit(trx, acting, {
      entityType: 'person',
      entityId: personId,
      action: `record_${input.type}`,
      regionCode: person.region_code,
      changes: { eventId: row.id, date: row.date, ...details, ...(input.supersedes ? { supersedes: input.supersedes } : {}) },
    })
    if (input.type === 'death') await deathRecorded(trx, acting, { personId, date: input.date })
    return toEvent(row, null)
  })
}

async function requireSupersedable (db: Kysely<DB>, personId: string, input: PersonEventCreate): Promise<void> {
  const corrected = await db.selectFrom('person_events').select(['person_id', 'type'])
    .where('id', '=', input.supersedes!)
    .executeTakeFirst()
  if (!corrected || corrected.person_id !== personId) throw eventNotFound(personId, input.supersedes!)
  if (corrected.type !== input.type) throw eventTypeMismatch('/body/type', corrected.type)
  const already = await db.selectFrom('person_events').select('id').where('supersedes_id', '=', input.supersedes!).executeTakeFirst()
  if (already) throw eventSuperseded(input.supersedes!, already.id)
}

export async function listPersonEvents (db: Kysely<DB>, acting: Acting, personId: string) {
  if (!await findPerson(db, personId, acting.scope)) throw personNotFound(personId)
  const rows = await db.selectFrom('person_events').selectAll().where('person_id', '=', personId).orderBy('date').orderBy('recorded_at').execute()
  const correctedBy = new Map(rows.filter((row) => row.supersedes_id).map((row) => [row.supersedes_id!, row.id]))
  return { items: rows.map((row) => toEvent(row, correctedBy.get(row.id) ?? null)), nextCursor: null }
}
