import { sql, type Kysely } from 'kysely'

// The seal looks up the rows of its transaction (audit_events by txid) and the block a
// lane moves to (audit_blocks by lane and number). PL/pgSQL keeps a statement's plan for
// the session: planned while the trail is small, the lookup is a sequential scan, and it
// stays one as the trail grows, until the table is analysed again. The embedded engine
// never analyses on its own, nor does a server with autovacuum off: every audited commit
// then reads the whole trail (measured: the seal's row lookup from 0.8 ms to 3.0 ms a
// commit within one minute of writes). Planning these few statements at each call, with
// the table as it is, keeps them on their indexes.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter function audit_seal() set plan_cache_mode = force_custom_plan;
    alter function audit_lanes_advance_only() set plan_cache_mode = force_custom_plan;
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    alter function audit_seal() reset plan_cache_mode;
    alter function audit_lanes_advance_only() reset plan_cache_mode;
  `.execute(db)
}
