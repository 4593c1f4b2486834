import { sql, type Kysely } from 'kysely'

// The audit trail: append-only, enforced by triggers, and tamper-evident.
//
// Each row carries row_hash, a SHA-256 over its content computed by the database
// as it is inserted. At commit, the rows a transaction wrote are sealed into one
// block: the block hash covers the rows' hashes in order and the previous block's
// hash on the same lane. There are several lanes, and a sealing transaction takes
// whichever lane is free (SKIP LOCKED), holding it only while it commits, so
// concurrent writers do not wait for each other. A bulk statement of a million
// rows is one block: no per-row chaining, which SQL cannot do set-based.
// docs/audit.md explains the design and what verification proves.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_events (
      seq bigint generated always as identity primary key,
      txid xid8 not null default pg_current_xact_id(),
      occurred_at timestamptz not null default now(),
      entity_type text not null,
      entity_id text not null,
      action text not null,
      from_status text,
      to_status text,
      actor_kind text not null check (actor_kind in ('officer', 'partner', 'system')),
      actor_id uuid,
      actor_name text not null,
      actor_role text,
      actor_region text collate "C",
      region_code text collate "C" not null,
      reason text,
      request_id text,
      changes jsonb,
      row_hash bytea not null
    );
    create index audit_events_txid on audit_events (txid);
    create index audit_events_entity on audit_events (entity_type, entity_id, seq);
    create index audit_events_region_code on audit_events (region_code, seq);

    -- The canonical content of a row: every field but seq, txid and the hash itself,
    -- as a record literal (unambiguous, NULLs included), time in microseconds since
    -- 1970. Declared stable, not immutable, so that the planner inlines it: verifying
    -- a million rows is then one scan.
    create function audit_row_hash(e audit_events) returns bytea
    language sql stable parallel safe as $$
      select sha256(convert_to(row(
        (extract(epoch from e.occurred_at) * 1000000)::bigint,
        e.entity_type, e.entity_id, e.action, e.from_status, e.to_status,
        e.actor_kind, e.actor_id, e.actor_name, e.actor_role, e.actor_region,
        e.region_code, e.reason, e.request_id, e.changes
      )::text, 'UTF8'))
    $$;

    create function audit_events_hash_row() returns trigger language plpgsql as $$
    begin
      new.row_hash := audit_row_hash(new);
      return new;
    end $$;
    create trigger audit_events_hash_row before insert on audit_events
      for each row execute function audit_events_hash_row();

    create function audit_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, lower(tg_op)
        using errcode = 'insufficient_privilege';
    end $$;
    create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function audit_refuse_change();
    create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_refuse_change();

    create table audit_lanes (
      lane integer primary key,
      block_count bigint not null default 0,
      head_hash bytea not null default decode(repeat('00', 32), 'hex')
    );
    insert into audit_lanes (lane) select generate_series(0, 31);

    create table audit_blocks (
      txid xid8 primary key,
      lane integer not null references audit_lanes (lane),
      lane_seq bigint not null,
      first_seq bigint not null,
      last_seq bigint not null,
      row_count bigint not null,
      rows_digest bytea not null,
      prev_hash bytea not null,
      hash bytea not null,
      sealed_at timestamptz not null default now(),
      unique (lane, lane_seq)
    );
    create trigger audit_blocks_append_only before update or delete on audit_blocks
      for each row execute function audit_refuse_change();
    create trigger audit_blocks_no_truncate before truncate on audit_blocks
      for each statement execute function audit_refuse_change();

    create function audit_block_hash(prev_hash bytea, rows_digest bytea, lane integer, lane_seq bigint,
                                     first_seq bigint, last_seq bigint, row_count bigint) returns bytea
    language sql immutable parallel safe as $$
      select sha256(prev_hash || rows_digest
        || convert_to(format('%s:%s:%s:%s:%s', lane, lane_seq, first_seq, last_seq, row_count), 'UTF8'))
    $$;

    -- One seal request per transaction that wrote audit rows; its deferred trigger
    -- seals them at commit, after the transaction's last statement.
    create unlogged table audit_seal_requests (txid xid8 primary key);

    create function audit_request_seal() returns trigger language plpgsql as $$
    begin
      insert into audit_seal_requests (txid) values (pg_current_xact_id()) on conflict do nothing;
      return null;
    end $$;
    create trigger audit_events_request_seal after insert on audit_events
      for each statement execute function audit_request_seal();

    create function audit_seal() returns trigger language plpgsql as $$
    declare
      sealed record;
      head record;
      block_hash bytea;
    begin
      delete from audit_seal_requests where txid = new.txid;
      select count(*) as row_count, min(seq) as first_seq, max(seq) as last_seq,
             sha256(string_agg(row_hash, ''::bytea order by seq)) as digest
        into sealed
        from audit_events where txid = new.txid;
      if sealed.row_count = 0 then
        return null;
      end if;
      select lane, block_count, head_hash into head
        from audit_lanes order by lane for update skip locked limit 1;
      if not found then
        select lane, block_count, head_hash into head
          from audit_lanes where lane = floor(random() * 32)::integer for update;
      end if;
      block_hash := audit_block_hash(head.head_hash, sealed.digest, head.lane, head.block_count + 1,
                                     sealed.first_seq, sealed.last_seq, sealed.row_count);
      insert into audit_blocks (txid, lane, lane_seq, first_seq, last_seq, row_count, rows_digest, prev_hash, hash)
        values (new.txid, head.lane, head.block_count + 1, sealed.first_seq, sealed.last_seq,
                sealed.row_count, sealed.digest, head.head_hash, block_hash);
      update audit_lanes set block_count = head.block_count + 1, head_hash = block_hash where lane = head.lane;
      return null;
    end $$;
    create constraint trigger audit_seal_requests_seal after insert on audit_seal_requests
      deferrable initially deferred for each row execute function audit_seal();
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    drop table audit_seal_requests;
    drop table audit_blocks;
    drop table audit_lanes;
    drop trigger audit_events_hash_row on audit_events;
    drop function audit_events_hash_row();
    drop function audit_row_hash(audit_events);
    drop table audit_events;
    drop function audit_seal();
    drop function audit_request_seal();
    drop function audit_block_hash(bytea, bytea, integer, bigint, bigint, bigint, bigint);
    drop function audit_refuse_change();
  `.execute(db)
}
