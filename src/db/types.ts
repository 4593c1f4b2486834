import type { ColumnType, Generated, JSONColumnType } from 'kysely'

/** Row types of the tables, as the migrations create them (snake_case, like the SQL). */

type CreatedAt = ColumnType<Date, never, never>
/** An instant the business clock sets (clock.sql) as the row is written; the database's now() by default. */
type ClockedAt = ColumnType<Date, Date | undefined, never>

export type RegionLevel = 'district' | 'township' | 'village' | 'hamlet'

export interface RegionsTable {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  /** The hotline printed on notices for objections (举报电话). */
  report_phone: string | null
  version: Generated<number>
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
  /** The format of row_hash (docs/audit.md); set by the database as the row is inserted. */
  hash_version: ColumnType<number, never, never>
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
  /** The format of the block's hash and of its rows' hashes (docs/audit.md). */
  hash_version: number
  /** The row hashes the block sealed, concatenated in seq order; null in format 1. */
  row_hashes: Buffer | null
}

export type HukouType = 'agricultural' | 'rural_resident' | 'non_agricultural'
export type Sex = 'male' | 'female'
export type Relationship = 'head' | 'spouse' | 'child' | 'parent' | 'other'
export type PersonEventType = 'sterilisation' | 'only_child_certificate' | 'out_of_policy_birth' | 'adoption'
  | 'disability_assessment' | 'exam_result' | 'service' | 'death'

type UpdatedAt = ColumnType<Date, never, Date>

export interface HouseholdsTable {
  id: Generated<string>
  region_code: string
  hukou_type: HukouType
  address: string
  version: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface PersonsTable {
  id: Generated<string>
  household_id: string
  name: string
  id_number_cipher: Buffer
  id_number_key: string
  id_number_index: Buffer
  id_number_masked: string
  sex: Sex
  birth_date: string
  death_date: string | null
  relationship: Relationship
  mother_id: string | null
  father_id: string | null
  adopted: Generated<boolean>
  disability_grade: number | null
  disability_certificate: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface PersonEventsTable {
  id: Generated<string>
  person_id: string
  type: PersonEventType
  date: string
  details: JSONColumnType<Record<string, unknown>, string, string>
  supersedes_id: string | null
  recorded_at: CreatedAt
}

export interface BankAccountsTable {
  id: Generated<string>
  person_id: string
  bank_name: string
  branch_code: string
  account_number_cipher: Buffer
  account_number_key: string
  account_number_masked: string
  holder_name: string
  active: Generated<boolean>
  created_at: ClockedAt
  replaced_at: Date | null
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface JobsTable {
  id: Generated<string>
  kind: string
  status: Generated<JobStatus>
  region_code: string
  requested_by: JSONColumnType<{ kind: string, id: string | null, name: string } & Record<string, unknown>, string, string>
  input: JSONColumnType<Record<string, unknown>, string | undefined, string>
  payload: Buffer | null
  done: Generated<number>
  total: number | null
  result: JSONColumnType<Record<string, unknown> | null, string | null, string | null>
  error: string | null
  attempts: Generated<number>
  created_at: CreatedAt
  started_at: Date | null
  heartbeat_at: Date | null
  finished_at: Date | null
}

export type RuleVersionStatus = 'draft' | 'active' | 'retired'

export interface ProgramsTable {
  code: string
  name: string
  title: string
  subject: 'person' | 'child' | 'household'
  created_at: CreatedAt
}

type Json = JSONColumnType<object, string, string>

export interface RuleVersionsTable {
  id: Generated<string>
  program_code: string
  version: number
  status: Generated<RuleVersionStatus>
  effective_from: string
  rules: Json
  amounts: Json
  funding: Json
  payment: Json
  workflow: Json
  note: string | null
  authored_by: string | null
  author_name: string
  activated_by: string | null
  activated_at: Date | null
  retired_at: Date | null
  created_at: CreatedAt
}

export interface EligibilityListsTable {
  job_id: string
  outcome: 'candidate' | 'gain' | 'loss' | 'exit'
  person_ids: string[]
  claim_ids: string[] | null
  amounts_fen: Array<number | null>
  criteria: Array<string | null> | null
}

export type CaseStatus =
  | 'registered' | 'investigated' | 'village_notice' | 'reviewed' | 'township_notice' | 'confirmed' | 'district_notice'
  | 'active' | 'suspended' | 'exited' | 'completed' | 'rejected' | 'withdrawn'

export interface CasesTable {
  id: Generated<string>
  program_code: string
  rule_version: number
  person_id: string
  status: CaseStatus
  /** When the case took its status: its last audit row's time (null: not known, look it up in the trail). */
  status_since: Date | null
  registered_on: string
  active_from: string | null
  note: string | null
  override_reason: string | null
  registered_by: string | null
  investigated_by: string | null
  reviewed_by: string | null
  confirmed_by: string | null
  created_at: CreatedAt
}

/** A view: the case audit rows, each a step on the case's timeline (case_id is the audit row's entity_id, as text). */
export interface CaseStepsTable {
  id: number
  case_id: string
  action: string
  from_status: string | null
  to_status: string
  actor_kind: 'officer' | 'partner' | 'system'
  actor_id: string | null
  actor_name: string
  actor_role: string | null
  actor_region: string | null
  at: Date
  reason: string | null
  findings: string | null
}

export type NoticeLevel = 'village' | 'township' | 'district'

export interface NoticesTable {
  id: Generated<string>
  case_id: string
  level: NoticeLevel
  region_code: string
  starts_on: string
  ends_on: string
  closed_on: string | null
}

export type ObjectionStatus = 'open' | 'investigating' | 'upheld' | 'dismissed'

export interface ObjectionsTable {
  id: Generated<string>
  case_id: string
  notice_id: string | null
  source: 'officer' | 'public'
  channel: 'hotline' | 'walk_in' | 'letter' | 'online'
  received_at: RegionLevel
  content: string
  contact: string | null
  status: Generated<ObjectionStatus>
  logged_by: string | null
  logged_at: Date
  decided_at: Date | null
}

export interface VerificationsTable {
  id: Generated<string>
  reference: string
  partner_id: string
  region_code: string
  benefit: string
  purpose: string
  id_number_masked: string
  qualified: boolean
  valid_until: string
  checked_at: Date
}

export interface ClockSettingTable {
  id: Generated<boolean>
  /** How far the clock is from real time. */
  shift: string
  set_to: Date
  set_at: Generated<Date>
}

export type FundSource = 'central' | 'provincial' | 'municipal' | 'district' | 'township' | 'employer'

export interface FundAllocationsTable {
  id: Generated<string>
  program_code: string
  year: number
  source: FundSource
  amount_fen: number
  region_code: string
  created_by: string | null
  created_at: ClockedAt
}

export type BatchStatus = 'draft' | 'submitted' | 'approved' | 'exported' | 'reconciled' | 'cancelled'

export interface PaymentBatchesTable {
  id: Generated<string>
  program_code: string
  rule_version: number
  period: string
  year: number
  region_code: string
  status: Generated<BatchStatus>
  sources: string[]
  count: Generated<number>
  total_fen: Generated<number>
  /** bigint[]: read them cast to text[] (drivers differ on arrays of bigint). */
  by_source_fen: Generated<string[]>
  failed_by_source_fen: Generated<string[]>
  not_payable: Generated<number>
  job_id: string | null
  created_by: string | null
  created_by_name: string
  submitted_by: string | null
  approved_by: string | null
  exported_by: string | null
  created_at: ClockedAt
  submitted_at: Date | null
  approved_at: Date | null
  exported_at: Date | null
  reconciled_at: Date | null
  cancelled_at: Date | null
}

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'cancelled'

export interface PaymentsTable {
  id: Generated<string>
  batch_id: string
  seq: number
  case_id: string
  person_id: string
  program_code: string
  period: string
  region_code: string
  status: Generated<PaymentStatus>
  amount_fen: number
  shares_fen: string[]
  bank_account_id: string
  bank_name: string
  branch_code: string
  account_number_cipher: Buffer
  account_number_key: string
  account_number_masked: string
  holder_name: string
  reason_code: string | null
  reason: string | null
  settled_at: Date | null
}

export interface BatchNotPayableTable {
  batch_id: string
  seq: number
  case_id: string
  person_id: string
  region_code: string
  amount_fen: number
}

export interface BankResultsTable {
  id: Generated<string>
  batch_id: string
  format: 'pain.002' | 'csv'
  message_id: string | null
  sha256: Buffer
  paid: number
  failed: number
  received_by: string | null
  received_at: Date
}

export interface IdempotencyKeysTable {
  holder: string
  key: string
  request_hash: Buffer
  status: 'running' | 'done'
  response_status: number | null
  response_type: string | null
  response_location: string | null
  response_body: Buffer | null
  response_key: string | null
  created_at: Generated<Date>
}

export interface DB {
  fund_allocations: FundAllocationsTable
  payment_batches: PaymentBatchesTable
  payments: PaymentsTable
  batch_not_payable: BatchNotPayableTable
  bank_results: BankResultsTable
  idempotency_keys: IdempotencyKeysTable
  clock_setting: ClockSettingTable
  verifications: VerificationsTable
  cases: CasesTable
  case_steps: CaseStepsTable
  notices: NoticesTable
  objections: ObjectionsTable
  programs: ProgramsTable
  rule_versions: RuleVersionsTable
  eligibility_lists: EligibilityListsTable
  jobs: JobsTable
  households: HouseholdsTable
  persons: PersonsTable
  person_events: PersonEventsTable
  bank_accounts: BankAccountsTable
  regions: RegionsTable
  officers: OfficersTable
  partners: PartnersTable
  api_tokens: ApiTokensTable
  audit_events: AuditEventsTable
  audit_lanes: AuditLanesTable
  audit_blocks: AuditBlocksTable
}
