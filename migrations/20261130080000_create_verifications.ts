import { sql, type Kysely } from 'kysely'

// Partner departments' questions (DESIGN §5): each answer is kept under a reference the
// partner can read back, with the purpose it gave; the ID number asked about is kept
// only masked.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table verifications (
      id uuid primary key default gen_random_uuid(),
      reference text not null unique check (reference ~ '^V[0-9A-Z]{12}$'),
      partner_id uuid not null references partners (id),
      region_code text collate "C" not null references regions (code),
      benefit text not null references programs (code),
      purpose text not null check (length(purpose) between 1 and 200),
      id_number_masked text not null,
      qualified boolean not null,
      valid_until date not null,
      checked_at timestamptz not null
    );
    create index verifications_partner on verifications (partner_id, checked_at);
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table verifications`.execute(db)
}
