import { sql, type Kysely } from 'kysely'

// Hash format 2 of the audit trail, and lanes that only the seal moves.
//
// Format 1 hashed a row as PostgreSQL's record text output: quoting rules, NULL as
// nothing, the time as microseconds since 1970. Format 2 hashes a row as a list of
// length-prefixed fields (PostgreSQL's binary record layout), which another program
// can build without knowing PostgreSQL's text output, and which costs the database
// less to build. It also covers the row's seq and txid, so a row moved to another
// position or transaction no longer matches its hash; and a block keeps the hashes it
// sealed, so verification can name the row that differs from what was sealed.
//
// Rows and blocks written before this migration keep format 1 (hash_version 1) and
// still verify; every row and block written after it is format 2. Adding the columns
// locks audit_events, so no transaction straddles the change. docs/audit.md specifies
// both formats byte by byte.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter table audit_events add column hash_version smallint not null default 1;
    alter table audit_events alter column hash_version set default 2;
    alter table audit_blocks add column hash_version smallint not null default 1;
    alter table audit_blocks alter column hash_version set default 2;
    alter table audit_blocks add column row_hashes bytea;
    -- SHA-256 output does not compress: store it as it is, so parts of it can be read alone.
    alter table audit_blocks alter column row_hashes set storage external;

    -- Format 2: SHA-256 of the binary record of seq, txid, the time and the content.
    -- record_send writes text in the session's client encoding: every session of the
    -- service uses UTF8, and audit_request_seal refuses to write rows from any other.
    create function audit_row_hash_v2(e audit_events) returns bytea
    language sql stable parallel safe as $$
      select sha256(record_send(row(
        e.seq, e.txid, e.occurred_at,
        e.entity_type, e.entity_id, e.action, e.from_status, e.to_status,
        e.actor_kind, e.actor_id, e.actor_name, e.actor_role, e.actor_region,
        e.region_code, e.reason, e.request_id, e.changes::text
      )))
    $$;

    -- A row's hash in its own format; null (never equal) for a format that does not exist.
    create function audit_row_hash_of(e audit_events) returns bytea
    language sql stable parallel safe as $$
      select case e.hash_version when 2 then audit_row_hash_v2(e) when 1 then audit_row_hash(e) end
    $$;

    create or replace function audit_events_hash_row() returns trigger language plpgsql as $$
    begin
      new.hash_version := 2;
      new.row_hash := audit_row_hash_v2(new);
      return new;
    end $$;

    create or replace function audit_request_seal() returns trigger language plpgsql as $$
    begin
      if current_setting('client_encoding') <> 'UTF8' then
        raise exception 'audit rows are written only by sessions whose client_encoding is UTF8'
          using errcode = 'invalid_parameter_value';
      end if;
      insert into audit_seal_requests (txid) values (pg_current_xact_id()) on conflict do nothing;
      return null;
    end $$;

    -- Format 2 covers every field of the block: the version and the txid too.
    create function audit_block_hash_v2(prev_hash bytea, rows_digest bytea, lane integer, lane_seq bigint,
                                        first_seq bigint, last_seq bigint, row_count bigint, txid xid8) returns bytea
    language sql immutable parallel safe as $$
      select sha256(prev_hash || rows_digest
        || convert_to(format('2:%s:%s:%s:%s:%s:%s', lane, lane_seq, first_seq, last_seq, row_count, txid), 'UTF8'))
    $$;

    -- A block's hash in its own format.
    create function audit_block_hash_of(b audit_blocks) returns bytea
    language sql immutable parallel safe as $$
      select case b.hash_version
        when 2 then audit_block_hash_v2(b.prev_hash, b.rows_digest, b.lane, b.lane_seq, b.first_seq, b.last_seq, b.row_count, b.txid)
        when 1 then audit_block_hash(b.prev_hash, b.rows_digest, b.lane, b.lane_seq, b.first_seq, b.last_seq, b.row_count)
      end
    $$;

    create or replace function audit_seal() returns trigger language plpgsql as $$
    declare
      sealed record;
      head record;
      digest bytea;
      block_hash bytea;
    begin
      delete from audit_seal_requests where txid = new.txid;
      select count(*) as row_count, min(seq) as first_seq, max(seq) as last_seq,
             string_agg(row_hash, ''::bytea order by seq) as hashes
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
      digest := sha256(sealed.hashes);
      block_hash := audit_block_hash_v2(head.head_hash, digest, head.lane, head.block_count + 1,
                                        sealed.first_seq, sealed.last_seq, sealed.row_count, new.txid);
      insert into audit_blocks (txid, lane, lane_seq, first_seq, last_seq, row_count, rows_digest, prev_hash, hash,
                                hash_version, row_hashes)
        values (new.txid, head.lane, head.block_count + 1, sealed.first_seq, sealed.last_seq,
                sealed.row_count, digest, head.head_hash, block_hash, 2, sealed.hashes);
      update audit_lanes set block_count = head.block_count + 1, head_hash = block_hash where lane = head.lane;
      return null;
    end $$;

    -- Blocks are written by the seal alone: it runs as a trigger, so the statements it
    -- makes run one trigger level deeper than any a client sends.
    create function audit_refuse_outside_seal() returns trigger language plpgsql as $$
    begin
      if pg_trigger_depth() < 2 then
        raise exception '% is written only by the audit seal: % refused', tg_table_name, lower(tg_op)
          using errcode = 'insufficient_privilege';
      end if;
      return new;
    end $$;
    create trigger audit_blocks_sealed_only before insert on audit_blocks
      for each row execute function audit_refuse_outside_seal();

    -- A lane's head only moves forward, one block at a time, to the block the seal has
    -- just written on it; lanes are neither added nor removed.
    create function audit_lanes_advance_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and pg_trigger_depth() >= 2
         and new.lane = old.lane and new.block_count = old.block_count + 1
         and exists (select 1 from audit_blocks b
                      where b.lane = new.lane and b.lane_seq = new.block_count and b.hash = new.head_hash) then
        return new;
      end if;
      raise exception 'audit_lanes moves only to the block the audit seal has just written: % refused', lower(tg_op)
        using errcode = 'insufficient_privilege';
    end $$;
    create trigger audit_lanes_advance_only before insert or update or delete on audit_lanes
      for each row execute function audit_lanes_advance_only();
    create trigger audit_lanes_no_truncate before truncate on audit_lanes
      for each statement execute function audit_refuse_change();
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      if exists (select 1 from audit_events where hash_version <> 1) then
        raise exception 'audit rows of hash format 2 exist: format 1 cannot verify them';
      end if;
    end $$;

    drop trigger audit_lanes_no_truncate on audit_lanes;
    drop trigger audit_lanes_advance_only on audit_lanes;
    drop function audit_lanes_advance_only();
    drop trigger audit_blocks_sealed_only on audit_blocks;
    drop function audit_refuse_outside_seal();

    create or replace function audit_seal() returns trigger language plpgsql as $$
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
    drop function audit_block_hash_of(audit_blocks);
    drop function audit_block_hash_v2(bytea, bytea, integer, bigint, bigint, bigint, bigint, xid8);

    create or replace function audit_request_seal() returns trigger language plpgsql as $$
    begin
      insert into audit_seal_requests (txid) values (pg_current_xact_id()) on conflict do nothing;
      return null;
    end $$;

    create or replace function audit_events_hash_row() returns trigger language plpgsql as $$
    begin
      new.row_hash := audit_row_hash(new);
      return new;
    end $$;
    drop function audit_row_hash_of(audit_events);
    drop function audit_row_hash_v2(audit_events);

    alter table audit_blocks drop column row_hashes;
    alter table audit_blocks drop column hash_version;
    alter table audit_events drop column hash_version;
  `.execute(db)
}
