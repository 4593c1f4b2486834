import { sql, type Kysely } from 'kysely'

// The approval workflow (DESIGN §4): a case is one application of one subject to one
// programme; case_steps is its timeline (who took each step, when, with what finding);
// notices are its public postings, one per level; objections are the public's and the
// officers' reports against it. A case lives where its subject's household lives: its
// region is read through the household, so a household that moves takes its cases along.
// Regions gain the hotline a notice prints, and a version for If-Match.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter table regions
      add column report_phone text check (report_phone ~ '^[0-9+()\\- ]{3,30}$'),
      add column version integer not null default 1;

    create table cases (
      id uuid primary key default gen_random_uuid(),
      program_code text not null references programs (code),
      rule_version integer not null check (rule_version >= 1),
      person_id uuid not null references persons (id),
      status text not null check (status in (
        'registered', 'investigated', 'village_notice', 'reviewed', 'township_notice', 'confirmed', 'district_notice',
        'active', 'suspended', 'exited', 'completed', 'rejected', 'withdrawn')),
      registered_on date not null,
      active_from date,
      note text check (length(note) <= 2000),
      override_reason text check (length(override_reason) between 1 and 2000),
      registered_by uuid references officers (id),
      investigated_by uuid references officers (id),
      reviewed_by uuid references officers (id),
      confirmed_by uuid references officers (id),
      created_at timestamptz not null default now(),
      foreign key (program_code, rule_version) references rule_versions (program_code, version)
    );
    -- One open or active case per subject and programme, whatever the requests do.
    create unique index cases_one_open on cases (program_code, person_id)
      where status not in ('exited', 'completed', 'rejected', 'withdrawn');
    create index cases_person on cases (person_id);
    create index cases_program_status on cases (program_code, status);

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
    create index case_steps_case on case_steps (case_id, id);

    create table notices (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      level text not null check (level in ('village', 'township', 'district')),
      -- The region whose board carries it: the case's village, township or district.
      region_code text collate "C" not null references regions (code),
      starts_on date not null,
      ends_on date not null,
      -- The day the case moved on from it; null while it is the case's current notice.
      closed_on date,
      check (ends_on >= starts_on)
    );
    create index notices_case on notices (case_id);
    create index notices_posted on notices (region_code, ends_on) where closed_on is null;

    create table objections (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      notice_id uuid references notices (id),
      source text not null check (source in ('officer', 'public')),
      channel text not null check (channel in ('hotline', 'walk_in', 'letter', 'online')),
      received_at text not null check (received_at in ('district', 'township', 'village', 'hamlet')),
      content text not null check (length(content) between 1 and 4000),
      contact text check (length(contact) <= 200),
      status text not null default 'open' check (status in ('open', 'investigating', 'upheld', 'dismissed')),
      logged_by uuid references officers (id),
      logged_at timestamptz not null,
      decided_at timestamptz
    );
    create index objections_case on objections (case_id);
    create index objections_pending on objections (case_id) where status in ('open', 'investigating');
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop table objections;
    drop table notices;
    drop table case_steps;
    drop table cases;
    alter table regions drop column report_phone, drop column version;
  `.execute(db)
}
