import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit } from '../audit/record.js'
import type { Actor } from '../identity/actor.js'
import { today } from './people.js'
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

function refuse (code: string, field: string, detail: string): ProblemError {
  return new ProblemError(422, code, detail, [{ path: `/body/${field}`, message: detail }])
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
export async function recordPersonEvent (db: Kysely<DB>, context: AuditContext, actor: Actor, personId: string, input: PersonEventCreate): Promise<PersonEvent> {
  for (const field of REQUIRED[input.type] ?? []) {
    if (input[field] === undefined) throw refuse('event_field_required', field, `A ${input.type} event needs ${field}.`)
  }
  if (input.date > today()) throw refuse('date_in_future', 'date', `The date ${input.date} is in the future.`)
  return db.transaction().execute(async (trx) => {
    const person = await findPerson(trx, personId, actor.regionCode, true)
    if (!person) throw new ProblemError(404, 'person_not_found', `No person ${personId} in your region.`)
    if (input.date < person.birth_date) throw refuse('event_before_birth', 'date', `The date ${input.date} is before the person's birth on ${person.birth_date}.`)
    if (person.death_date && input.type !== 'death' && input.date > person.death_date) {
      throw refuse('event_after_death', 'date', `The date ${input.date} is after the person's death on ${person.death_date}.`)
    }
    if (input.type === 'sterilisation' && ageOn(person.birth_date, input.date) < 18) {
      throw refuse('sterilisation_under_18', 'date', `The person was ${ageOn(person.birth_date, input.date)} on ${input.date}; sterilisation is recorded for adults only.`)
    }
    if (input.childId && !await findPerson(trx, input.childId, actor.regionCode)) {
      throw new ProblemError(404, 'person_not_found', `No person ${input.childId} in your region.`)
    }
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
    await recordAudit(trx, context, {
      entityType: 'person',
      entityId: personId,
      action: `record_${input.type}`,
      regionCode: person.region_code,
      changes: { eventId: row.id, date: row.date, ...details, ...(input.supersedes ? { supersedes: input.supersedes } : {}) },
    })
    return toEvent(row, null)
  })
}

async function requireSupersedable (db: Kysely<DB>, personId: string, input: PersonEventCreate): Promise<void> {
  const corrected = await db.selectFrom('person_events').select(['person_id', 'type'])
    .where('id', '=', input.supersedes!)
    .executeTakeFirst()
  if (!corrected || corrected.person_id !== personId) {
    throw new ProblemError(404, 'event_not_found', `Person ${personId} has no event ${input.supersedes}.`)
  }
  if (corrected.type !== input.type) throw refuse('event_type_mismatch', 'type', `A correction of a ${corrected.type} event is a ${corrected.type} event.`)
  const already = await db.selectFrom('person_events').select('id').where('supersedes_id', '=', input.supersedes!).executeTakeFirst()
  if (already) throw new ProblemError(409, 'event_superseded', `Event ${input.supersedes} was already corrected by ${already.id}; correct that one instead.`)
}

export async function listPersonEvents (db: Kysely<DB>, actor: Actor, personId: string) {
  if (!await findPerson(db, personId, actor.regionCode)) throw new ProblemError(404, 'person_not_found', `No person ${personId} in your region.`)
  const rows = await db.selectFrom('person_events').selectAll().where('person_id', '=', personId).orderBy('date').orderBy('recorded_at').execute()
  const correctedBy = new Map(rows.filter((row) => row.supersedes_id).map((row) => [row.supersedes_id!, row.id]))
  return { items: rows.map((row) => toEvent(row, correctedBy.get(row.id) ?? null)), nextCursor: null }
}
