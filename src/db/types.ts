import type { ColumnType, Generated, JSONColumnType } from 'kysely'

/** Row types of the tables, as the migrations create them (snake_case, like the SQL). */

type CreatedAt = ColumnType<Date, never, never>

export type RegionLevel = 'district' | 'township' | 'village' | 'hamlet'

export interface RegionsTable {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  created_at: CreatedAt
}

export interface OfficersTable {
  id: Generated<string>
  name: string
  roles: string[]
  region_code: string
  created_at: CreatedAt
}

export interface PartnersTable {
  id: Generated<string>
  name: string
  department: string
  programs: string[]
  region_code: string
  rate_limit_per_minute: number
  created_at: CreatedAt
}

export interface ApiTokensTable {
  id: Generated<string>
  officer_id: string | null
  partner_id: string | null
  token_hash: Buffer
  status: Generated<'active' | 'revoked'>
  expires_at: Date
  created_at: CreatedAt
  revoked_at: Date | null
}

export interface AuditEventsTable {
  seq: ColumnType<number, never, never>
  txid: ColumnType<string, never, never>
  occurred_at: ColumnType<Date, never, never>
  entity_type: string
  entity_id: string
  action: string
  from_status: string | null
  to_status: string | null
  actor_kind: 'officer' | 'partner' | 'system'
  actor_id: string | null
  actor_name: string
  actor_role: string | null
  actor_region: string | null
  region_code: string
  reason: string | null
  request_id: string | null
  changes: JSONColumnType<Record<string, unknown> | null, string | null, string | null>
  /** Set by the database as the row is inserted. */
  row_hash: ColumnType<Buffer, never, never>
}

export interface AuditLanesTable {
  lane: number
  block_count: number
  head_hash: Buffer
}

export interface AuditBlocksTable {
  txid: string
  lane: number
  lane_seq: number
  first_seq: number
  last_seq: number
  row_count: number
  rows_digest: Buffer
  prev_hash: Buffer
  hash: Buffer
  sealed_at: CreatedAt
}

export interface DB {
  regions: RegionsTable
  officers: OfficersTable
  partners: PartnersTable
  api_tokens: ApiTokensTable
  audit_events: AuditEventsTable
  audit_lanes: AuditLanesTable
  audit_blocks: AuditBlocksTable
}
