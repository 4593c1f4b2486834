import { sql, type Kysely } from 'kysely'

// Programmes are data: each has rule versions (the predicate tree, the amount
// schedule, funding shares, payment and workflow settings) that go draft → active →
// retired, at most one active per programme. Screenings and simulations keep the
// persons they found in eligibility_lists, keyed by their job.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table programs (
      code text primary key check (code ~ '^[A-Z][A-Z0-9_]{1,63}$'),
      name text not null check (length(name) between 1 and 100),
      title text not null check (length(title) between 1 and 200),
      subject text not null check (subject in ('person', 'child', 'household')),
      created_at timestamptz not null default now()
    );

    create table rule_versions (
      id uuid primary key default gen_random_uuid(),
      program_code text not null references programs (code),
      version integer not null check (version >= 1),
      status text not null default 'draft' check (status in ('draft', 'active', 'retired')),
      effective_from date not null,
      rules jsonb not null,
      amounts jsonb not null,
      funding jsonb not null,
      payment jsonb not null,
      workflow jsonb not null,
      note text check (length(note) <= 2000),
      authored_by uuid references officers (id),
      author_name text not null,
      activated_by uuid references officers (id),
      activated_at timestamptz,
      retired_at timestamptz,
      created_at timestamptz not null default now(),
      unique (program_code, version),
      check (status <> 'active' or activated_at is not null),
      check ((status = 'retired') = (retired_at is not null))
    );
    create unique index rule_versions_one_active on rule_versions (program_code) where status = 'active';

    -- What a screening or simulation found: one row per job and outcome, holding the
    -- persons (and their amounts, and for losses the criterion failed) as arrays in
    -- the order found, paged by position. One row, not one per person, so that a
    -- district-sized list is written in a single small insert.
    create table eligibility_lists (
      job_id uuid not null references jobs (id),
      outcome text not null check (outcome in ('candidate', 'gain', 'loss')),
      person_ids uuid[] not null,
      amounts_fen bigint[] not null,
      criteria text[],
      primary key (job_id, outcome),
      check (cardinality(person_ids) = cardinality(amounts_fen))
    );
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table eligibility_lists; drop table rule_versions; drop table programs`.execute(db)
}
