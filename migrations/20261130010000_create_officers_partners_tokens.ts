import { sql, type Kysely } from 'kysely'

// Who acts: officers (people, with roles, scoped to a region), partner systems of
// other departments, and the bearer tokens of both, stored only as a SHA-256 hash.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table officers (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 100),
      roles text[] not null check (
        cardinality(roles) between 1 and 8
        and roles <@ array['admin', 'registrar', 'investigator', 'reviewer', 'confirmer',
                           'finance_officer', 'finance_approver', 'auditor']::text[]
      ),
      region_code text collate "C" not null references regions (code),
      created_at timestamptz not null default now()
    );
    create index officers_region_code on officers (region_code, id);

    create table partners (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 100),
      department text not null check (length(department) between 1 and 100),
      programs text[] not null,
      region_code text collate "C" not null references regions (code),
      rate_limit_per_minute integer not null check (rate_limit_per_minute between 1 and 100000),
      created_at timestamptz not null default now()
    );
    create index partners_region_code on partners (region_code, id);

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      officer_id uuid references officers (id),
      partner_id uuid references partners (id),
      token_hash bytea not null unique,
      status text not null default 'active' check (status in ('active', 'revoked')),
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      constraint api_tokens_one_owner check (num_nonnulls(officer_id, partner_id) = 1),
      constraint api_tokens_revoked_at check ((status = 'revoked') = (revoked_at is not null))
    );
    create index api_tokens_officer_id on api_tokens (officer_id);
    create index api_tokens_partner_id on api_tokens (partner_id);
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table api_tokens; drop table partners; drop table officers`.execute(db)
}
