import { sql, type Kysely } from 'kysely'

// Programmes are data: each has rule versions (the predicate tree, the amount
// schedule, funding shares, payment and workflow settings) that go draft → active →
// retired, at most one active per programme. Screenings and simulations list the
// persons they found in eligibility_outcomes, keyed by their job.
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

    -- No foreign keys: a screening writes up to a district's population here in one
    -- statement, and the rows are only ever read through their job.
    create table eligibility_outcomes (
      job_id uuid not null,
      outcome text not null check (outcome in ('candidate', 'gain', 'loss')),
      person_id uuid not null,
      criterion text,
      amount_fen bigint,
      primary key (job_id, outcome, person_id)
    );
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table eligibility_outcomes; drop table rule_versions; drop table programs`.execute(db)
}
