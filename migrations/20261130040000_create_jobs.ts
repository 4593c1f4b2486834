import { sql, type Kysely } from 'kysely'

// Long work (imports, screenings, batch generation, annual reviews) runs as jobs. Any
// instance may claim a queued job (FOR UPDATE SKIP LOCKED); a running job whose
// heartbeat stops is claimed again by another instance.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table jobs (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind ~ '^[a-z][a-z0-9_.]{1,63}$'),
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      region_code text collate "C" not null references regions (code),
      requested_by jsonb not null,
      input jsonb not null default '{}',
      payload bytea,
      done bigint not null default 0,
      total bigint,
      result jsonb,
      error text,
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz
    );
    create index jobs_claimable on jobs (created_at) where status in ('queued', 'running');
    create index jobs_region_code on jobs (region_code, created_at);
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table jobs`.execute(db)
}
