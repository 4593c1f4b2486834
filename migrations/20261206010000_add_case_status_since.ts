import { sql, type Kysely } from 'kysely'

// When a case took the state it is in: the time of its last audit row, written with every
// step (the same clock, the same statement). A report's "state at the year's end" is then
// the case's own state wherever it has not moved since, and only the cases that have are
// looked up in the trail — where, with the timeline read from the audit rows, it would
// otherwise read every case's steps out of the whole trail. Null (a case made without a
// step, as a bench's) means "look it up".
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter table cases add column status_since timestamptz;
    update cases c set status_since = last.at
      from (select distinct on (entity_id) entity_id, occurred_at as at from audit_events
             where entity_type = 'case' order by entity_id, seq desc) last
     where last.entity_id = c.id::text;
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column status_since`.execute(db)
}
