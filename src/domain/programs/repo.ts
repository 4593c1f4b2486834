import { sql, type InsertObject, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'

export type RuleVersionRow = Awaited<ReturnType<typeof findRuleVersion>> & {}

const VERSION_COLUMNS = [
  'v.id', 'v.program_code', 'v.version', 'v.status', 'v.effective_from', 'v.rules', 'v.amounts', 'v.funding', 'v.payment', 'v.workflow', 'v.note',
  'v.authored_by', 'v.author_name', 'v.activated_by', 'v.activated_at', 'v.retired_at', 'v.created_at', 'o.name as activator_name',
] as const

function versions (db: Kysely<DB>) {
  return db.selectFrom('rule_versions as v').leftJoin('officers as o', 'o.id', 'v.activated_by').select(VERSION_COLUMNS)
}

export function listPrograms (db: Kysely<DB>) {
  return db.selectFrom('programs as p')
    .leftJoin('rule_versions as v', (join) => join.onRef('v.program_code', '=', 'p.code').on('v.status', '=', 'active'))
    .select(['p.code', 'p.name', 'p.title', 'p.subject', 'v.version as active_version'])
    .orderBy('p.code')
    .execute()
}

export function findProgram (db: Kysely<DB>, code: string, lock = false) {
  const query = db.selectFrom('programs').selectAll().where('code', '=', code)
  return (lock ? query.forUpdate() : query).executeTakeFirst()
}

export function listVersions (db: Kysely<DB>, code: string) {
  return db.selectFrom('rule_versions').select(['version', 'status', 'effective_from', 'created_at'])
    .where('program_code', '=', code).orderBy('version', 'desc').execute()
}

export function findRuleVersion (db: Kysely<DB>, code: string, version: number, lock = false) {
  const query = versions(db).where('v.program_code', '=', code).where('v.version', '=', version)
  return (lock ? query.forUpdate('v') : query).executeTakeFirst()
}

export function findActiveVersion (db: Kysely<DB>, code: string, lock = false) {
  const query = versions(db).where('v.program_code', '=', code).where('v.status', '=', 'active')
  return (lock ? query.forUpdate('v') : query).executeTakeFirst()
}

export async function nextVersionNumber (db: Kysely<DB>, code: string): Promise<number> {
  const row = await db.selectFrom('rule_versions').select((eb) => eb.fn.max('version').as('last')).where('program_code', '=', code).executeTakeFirst()
  return Number(row?.last ?? 0) + 1
}

export function insertRuleVersion (db: Kysely<DB>, values: InsertObject<DB, 'rule_versions'>) {
  return db.insertInto('rule_versions').values(values).returning(['id', 'version']).executeTakeFirstOrThrow()
}

/** What decides a version's answers, as stored: two versions with the same content answer alike. */
export interface VersionContent {
  effective_from: string
  rules: unknown
  amounts: unknown
  funding: unknown
  payment: unknown
  workflow: unknown
}

/** The programme's versions whose content equals this one (JSON compared as JSON, not as text). */
export function findVersionsLike (db: Kysely<DB>, code: string, content: VersionContent) {
  const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`
  return db.selectFrom('rule_versions').select(['id', 'version', 'status', 'authored_by', 'author_name'])
    .where('program_code', '=', code)
    .where(sql<boolean>`effective_from = ${content.effective_from}::date and rules = ${json(content.rules)} and amounts = ${json(content.amounts)}
      and funding = ${json(content.funding)} and payment = ${json(content.payment)} and workflow = ${json(content.workflow)}`)
    .orderBy('version')
    .execute()
}
