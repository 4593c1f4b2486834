import { sql, type Kysely } from 'kysely'

// The one clock of the service. clock_now() is the database's time, shifted by what a
// district administrator set on a training or test instance (CLOCK=settable); with no
// setting it is now(). A setting is kept as a shift from real time, so the clock keeps
// running from the instant set.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table clock_setting (
      id boolean primary key default true check (id),
      shift interval not null,
      set_to timestamptz not null,
      set_at timestamptz not null default now()
    );

    create function clock_now() returns timestamptz
    language sql stable parallel safe as $$
      select now() + coalesce((select shift from clock_setting), interval '0')
    $$;
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop function clock_now();
    drop table clock_setting;
  `.execute(db)
}
