import { sql, type Kysely } from 'kysely'

// Money out (DESIGN §6): what each source gives a programme in a year, batches of
// payments with their states, one payment per beneficiary, programme and period with a
// snapshot of the account it goes to and its split by source, the beneficiaries a batch
// could not pay, the bank's answers, and the idempotency keys of creating requests.
//
// The partial unique index payments_pending_or_paid is the guarantee that nobody is paid
// twice: at most one pending or paid payment per person, programme and period, whatever
// the requests do. A payment's split is an array of fen aligned with its batch's sources.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table fund_allocations (
      id uuid primary key default gen_random_uuid(),
      program_code text not null references programs (code),
      year integer not null check (year between 1949 and 2200),
      source text not null check (source in ('central', 'provincial', 'municipal', 'district', 'township', 'employer')),
      amount_fen bigint not null check (amount_fen >= 0),
      -- The region whose budget it is: the district.
      region_code text collate "C" not null references regions (code),
      created_by uuid references officers (id),
      created_at timestamptz not null,
      unique (program_code, year, source)
    );

    create table payment_batches (
      id uuid primary key default gen_random_uuid(),
      program_code text not null references programs (code),
      rule_version integer not null,
      period text not null check (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]))?$'),
      year integer not null,
      region_code text collate "C" not null references regions (code),
      status text not null default 'draft' check (status in ('draft', 'submitted', 'approved', 'exported', 'reconciled', 'cancelled')),
      -- The funding sources of the period, in the rule version's order: payments.shares_fen follows it.
      sources text[] not null,
      count integer not null default 0,
      total_fen bigint not null default 0,
      by_source_fen bigint[] not null default '{}',
      -- What failed payments gave back, by source (a failure is not spent).
      failed_by_source_fen bigint[] not null default '{}',
      not_payable integer not null default 0,
      job_id uuid references jobs (id),
      created_by uuid references officers (id),
      created_by_name text not null,
      submitted_by uuid references officers (id),
      approved_by uuid references officers (id),
      exported_by uuid references officers (id),
      created_at timestamptz not null,
      submitted_at timestamptz,
      approved_at timestamptz,
      exported_at timestamptz,
      reconciled_at timestamptz,
      cancelled_at timestamptz,
      foreign key (program_code, rule_version) references rule_versions (program_code, version)
    );
    create index payment_batches_region on payment_batches (region_code, id);
    create index payment_batches_program_year on payment_batches (program_code, year) where status in ('approved', 'exported', 'reconciled');

    create table payments (
      id uuid primary key default gen_random_uuid(),
      batch_id uuid not null references payment_batches (id),
      -- The order of the payment in its batch's files.
      seq integer not null,
      -- Cases, persons and accounts are never deleted; no per-row foreign-key check on a million-row insert.
      case_id uuid not null,
      person_id uuid not null,
      program_code text not null,
      period text not null,
      region_code text collate "C" not null,
      status text not null default 'pending' check (status in ('pending', 'paid', 'failed', 'cancelled')),
      amount_fen bigint not null check (amount_fen > 0),
      shares_fen bigint[] not null,
      -- The account as it was when the batch was made: the bank is paid to this one.
      bank_account_id uuid not null,
      bank_name text not null,
      branch_code text not null,
      account_number_cipher bytea not null,
      account_number_key text not null,
      account_number_masked text not null,
      holder_name text not null,
      reason_code text,
      reason text,
      settled_at timestamptz
    );
    create unique index payments_batch_seq on payments (batch_id, seq);
    create unique index payments_pending_or_paid on payments (person_id, program_code, period) where status in ('pending', 'paid');
    create index payments_failed on payments (person_id, program_code) where status = 'failed';

    -- Beneficiaries a batch owed but could not pay: no active bank account.
    create table batch_not_payable (
      batch_id uuid not null references payment_batches (id),
      seq integer not null,
      case_id uuid not null references cases (id),
      person_id uuid not null references persons (id),
      region_code text collate "C" not null,
      amount_fen bigint not null,
      primary key (batch_id, seq)
    );

    create table bank_results (
      id uuid primary key default gen_random_uuid(),
      batch_id uuid not null references payment_batches (id),
      format text not null check (format in ('pain.002', 'csv')),
      message_id text,
      sha256 bytea not null,
      paid integer not null,
      failed integer not null,
      received_by uuid references officers (id),
      received_at timestamptz not null
    );
    create index bank_results_batch on bank_results (batch_id);

    -- Creating requests by Idempotency-Key: the first answer, kept encrypted (it may name
    -- people), replayed to the same caller for the same request.
    create table idempotency_keys (
      holder text not null,
      key text not null,
      request_hash bytea not null,
      status text not null check (status in ('running', 'done')),
      response_status integer,
      response_type text,
      response_location text,
      response_body bytea,
      response_key text,
      created_at timestamptz not null default now(),
      primary key (holder, key)
    );
    create index idempotency_keys_created on idempotency_keys (created_at);
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop table idempotency_keys;
    drop table bank_results;
    drop table batch_not_payable;
    drop table payments;
    drop table payment_batches;
    drop table fund_allocations;
  `.execute(db)
}
