import { sql, type Kysely } from 'kysely'

// The district → township → village → hamlet tree. Codes are path-like
// (420102, 420102.003, 420102.003.012, 420102.003.012.04) and collated "C", so that a
// subtree is one prefix range scan on the primary key.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table regions (
      code text collate "C" primary key
        check (code ~ '^[0-9]{6}([.][0-9]{3}([.][0-9]{3}([.][0-9]{2})?)?)?$'),
      name text not null check (length(name) between 1 and 100),
      level text not null,
      parent_code text collate "C" references regions (code),
      created_at timestamptz not null default now(),
      constraint regions_level_matches_depth check (
        level = (array['district', 'township', 'village', 'hamlet'])[array_length(string_to_array(code, '.'), 1)]
      ),
      constraint regions_parent_is_prefix check (
        parent_code is not distinct from nullif(regexp_replace(code, '[.][0-9]+$', ''), code)
      )
    );
    create index regions_parent_code on regions (parent_code);
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table regions`.execute(db)
}
