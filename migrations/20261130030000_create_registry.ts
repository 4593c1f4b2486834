import { sql, type Kysely } from 'kysely'

// The household registry: households in villages or hamlets, their members, the
// members' dated family-planning events, and their bank accounts. ID and account
// numbers are stored only encrypted, with a keyed hash (blind index) for lookup.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table households (
      id uuid primary key default gen_random_uuid(),
      region_code text collate "C" not null references regions (code),
      hukou_type text not null check (hukou_type in ('agricultural', 'rural_resident', 'non_agricultural')),
      address text not null check (length(address) between 1 and 200),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index households_region_code on households (region_code, id);

    create table persons (
      id uuid primary key default gen_random_uuid(),
      household_id uuid not null references households (id),
      name text not null check (length(name) between 1 and 50),
      id_number_cipher bytea not null,
      id_number_key text not null,
      id_number_index bytea not null,
      id_number_masked text not null,
      sex text not null check (sex in ('male', 'female')),
      birth_date date not null,
      death_date date check (death_date >= birth_date),
      relationship text not null check (relationship in ('head', 'spouse', 'child', 'parent', 'other')),
      mother_id uuid references persons (id),
      father_id uuid references persons (id),
      adopted boolean not null default false,
      disability_grade smallint check (disability_grade between 1 and 4),
      disability_certificate text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index persons_household_id on persons (household_id);
    create index persons_id_number_index on persons (id_number_index);
    -- One ID number belongs to at most one living person.
    create unique index persons_one_living_per_id_number on persons (id_number_index) where death_date is null;
    create index persons_mother_id on persons (mother_id) where mother_id is not null;
    create index persons_father_id on persons (father_id) where father_id is not null;

    create table person_events (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references persons (id),
      type text not null check (type in ('sterilisation', 'only_child_certificate', 'out_of_policy_birth', 'adoption',
                                         'disability_assessment', 'exam_result', 'service', 'death')),
      date date not null,
      details jsonb not null default '{}',
      supersedes_id uuid references person_events (id),
      recorded_at timestamptz not null default now()
    );
    create index person_events_person on person_events (person_id, type, date);
    create unique index person_events_superseded_once on person_events (supersedes_id) where supersedes_id is not null;

    create table bank_accounts (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references persons (id),
      bank_name text not null check (length(bank_name) between 1 and 100),
      branch_code text not null check (branch_code ~ '^[0-9]{12}$'),
      account_number_cipher bytea not null,
      account_number_key text not null,
      account_number_masked text not null,
      holder_name text not null check (length(holder_name) between 1 and 50),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      replaced_at timestamptz,
      check (active = (replaced_at is null))
    );
    create unique index bank_accounts_one_active on bank_accounts (person_id) where active;
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table bank_accounts; drop table person_events; drop table persons; drop table households`.execute(db)
}
