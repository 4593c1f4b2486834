import { sql, type Kysely } from 'kysely'

// Every instance keeps the tokens it has looked up for a few seconds. A change to a
// token (a revocation, a new expiry), to an officer or to a partner, by the API or by
// hand, is announced on the channel huimin_tokens when it commits, so that every
// instance forgets what it kept at once.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_token_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('huimin_tokens', (case when tg_op = 'DELETE' then old.id else new.id end)::text);
      return null;
    end
    $$;
    create trigger api_tokens_notify after update or delete on api_tokens for each row execute function notify_token_change();
    create trigger officers_notify after update or delete on officers for each row execute function notify_token_change();
    create trigger partners_notify after update or delete on partners for each row execute function notify_token_change();
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger api_tokens_notify on api_tokens;
    drop trigger officers_notify on officers;
    drop trigger partners_notify on partners;
    drop function notify_token_change();
  `.execute(db)
}
