import { sql, type Kysely } from 'kysely'

// A case's timeline is its audit rows. Every step on a case wrote the same facts twice,
// in the same statement: its audit row and its case_steps row (who, in which role and
// region, when, from and to which state, why, with what findings). case_steps becomes a
// view of the case audit rows, so the timeline cannot disagree with the sealed trail and
// a step writes one row where it wrote two (a bulk step of 10,000 cases, 10,000 rows and
// their index entries fewer). The audit rows carry the findings in `changes`.
//
// The table is dropped only when it holds exactly one row per case audit row: the two
// were always written together, and a database where they are not is left as it is for
// someone to look at.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    declare
      steps bigint := (select count(*) from case_steps);
      audited bigint := (select count(*) from audit_events where entity_type = 'case');
    begin
      if steps <> audited then
        raise exception 'case_steps holds % rows and the trail % case audit rows: not replaced by the view', steps, audited;
      end if;
    end $$;
    drop table case_steps;
    create view case_steps as
      select seq as id, entity_id as case_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role, actor_region,
             occurred_at as at, reason, changes->>'findings' as findings
        from audit_events
       where entity_type = 'case';
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop view case_steps;
    create table case_steps (
      id bigint generated always as identity primary key,
      case_id uuid not null references cases (id),
      action text not null,
      from_status text,
      to_status text not null,
      actor_kind text not null check (actor_kind in ('officer', 'partner', 'system')),
      actor_id uuid,
      actor_name text not null,
      actor_role text,
      actor_region text collate "C",
      at timestamptz not null,
      reason text,
      findings text
    );
    insert into case_steps (case_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role, actor_region, at, reason, findings)
      select entity_id::uuid, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role, actor_region, occurred_at, reason, changes->>'findings'
        from audit_events
       where entity_type = 'case'
       order by seq;
    create index case_steps_case on case_steps (case_id, id);
  `.execute(db)
}
