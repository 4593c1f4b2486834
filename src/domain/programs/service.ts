import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit } from '../audit/record.js'
import { changeStatus, type Transitions } from '../audit/status-change.js'
import type { Actor } from '../identity/actor.js'
import { levelOf } from '../regions/scope.js'
import { CATALOGUE } from './catalogue.js'
import {
  findActiveVersion, findProgram, findRuleVersion, insertRuleVersion, listPrograms, listVersions, nextVersionNumber, setVersionStatus,
} from './repo.js'
import type { Program, ProgramSummary, RuleVersion, RuleVersionCreate, RuleVersionTransition } from './schemas.js'
import { checkRuleVersion, ruleSetOf, storedAmounts, toRuleVersion, type RuleSet } from './versions.js'

const VERSION_TRANSITIONS: Transitions = { draft: ['active', 'retired'], active: ['retired'] }

export function programNotFound (code: string): ProblemError {
  return new ProblemError(404, 'program_not_found', `There is no programme ${code}.`)
}

function versionNotFound (code: string, version: number): ProblemError {
  return new ProblemError(404, 'rule_version_not_found', `Programme ${code} has no rule version ${version}.`)
}

/** Programmes are the district's: only an administrator scoped to the whole district changes their rules. */
function requireDistrictAdministrator (actor: Actor): void {
  if (levelOf(actor.regionCode) !== 'district') {
    throw new ProblemError(403, 'district_scope_required', 'Rule versions are written and activated by administrators of the whole district.')
  }
}

export async function listProgramSummaries (db: Kysely<DB>): Promise<ProgramSummary[]> {
  return (await listPrograms(db)).map((row) => ({ code: row.code, name: row.name, title: row.title, subject: row.subject, activeVersion: row.active_version ?? null }))
}

export async function getProgram (db: Kysely<DB>, code: string): Promise<Program> {
  const program = await findProgram(db, code)
  if (!program) throw programNotFound(code)
  const active = await findActiveVersion(db, code)
  return {
    code: program.code,
    name: program.name,
    title: program.title,
    subject: program.subject,
    activeVersion: active?.version ?? null,
    active: active ? toRuleVersion(active) : null,
    versions: (await listVersions(db, code)).map((row) => ({ version: row.version, status: row.status, effectiveFrom: row.effective_from, createdAt: row.created_at.toISOString() })),
  }
}

export async function getRuleVersion (db: Kysely<DB>, code: string, version: number): Promise<RuleVersion> {
  const row = await findRuleVersion(db, code, version)
  if (!row) throw await findProgram(db, code) ? versionNotFound(code, version) : programNotFound(code)
  return toRuleVersion(row)
}

/** The rules eligibility applies: the active version, or a named one (a draft, for a simulation). */
export async function ruleSetFor (db: Kysely<DB>, code: string, version?: number): Promise<RuleSet> {
  const row = version === undefined ? await findActiveVersion(db, code) : await findRuleVersion(db, code, version)
  if (row) return ruleSetOf(row)
  if (!await findProgram(db, code)) throw programNotFound(code)
  if (version !== undefined) throw versionNotFound(code, version)
  throw new ProblemError(409, 'no_active_version', `Programme ${code} has no active rule version.`)
}

/** The number of the programme's active version, or null when none is. */
export async function activeVersionNumber (db: Kysely<DB>, code: string): Promise<number | null> {
  return (await findActiveVersion(db, code))?.version ?? null
}

async function insertVersion (trx: Transaction<DB>, context: AuditContext, regionCode: string, code: string, body: RuleVersionCreate, status: 'draft' | 'active') {
  const version = await nextVersionNumber(trx, code)
  const row = await insertRuleVersion(trx, {
    program_code: code,
    version,
    status,
    effective_from: body.effectiveFrom,
    rules: JSON.stringify(body.rules),
    amounts: JSON.stringify(storedAmounts(body.amounts)),
    funding: JSON.stringify(body.funding),
    payment: JSON.stringify(body.payment),
    workflow: JSON.stringify(body.workflow),
    note: body.note ?? null,
    authored_by: context.actor.kind === 'officer' ? context.actor.id : null,
    author_name: context.actor.name,
    ...(status === 'active' ? { activated_at: new Date() } : {}),
  })
  await recordAudit(trx, context, {
    entityType: 'rule_version',
    entityId: row.id,
    action: status === 'active' ? 'seed' : 'create',
    toStatus: status,
    regionCode,
    changes: { programCode: code, version, effectiveFrom: body.effectiveFrom },
  })
  return row
}

/** Writes a draft; it applies to no one until a second administrator activates it. */
export async function createRuleVersion (db: Kysely<DB>, context: AuditContext, actor: Actor, code: string, body: RuleVersionCreate): Promise<RuleVersion> {
  requireDistrictAdministrator(actor)
  checkRuleVersion(body)
  return db.transaction().execute(async (trx) => {
    // The programme row is the lock that numbers versions one at a time.
    if (!await findProgram(trx, code, true)) throw programNotFound(code)
    const { version } = await insertVersion(trx, context, actor.regionCode, code, body, 'draft')
    return toRuleVersion((await findRuleVersion(trx, code, version))!)
  })
}

/**
 * Activates or retires a version. Activation takes a second administrator (four
 * eyes: the author cannot activate their own draft) and retires the version it replaces;
 * both changes are audited in the one transaction.
 */
export async function transitionRuleVersion (
  db: Kysely<DB>, context: AuditContext, actor: Actor, code: string, version: number, input: RuleVersionTransition,
): Promise<RuleVersion> {
  requireDistrictAdministrator(actor)
  return db.transaction().execute(async (trx) => {
    if (!await findProgram(trx, code, true)) throw programNotFound(code)
    const row = await findRuleVersion(trx, code, version, true)
    if (!row) throw versionNotFound(code, version)
    const to = input.action === 'activate' ? 'active' : 'retired'
    if (to === 'active' && row.authored_by === actor.id) {
      throw new ProblemError(403, 'four_eyes', 'A rule version is activated by another administrator than its author.')
    }
    if (to === 'active' && row.status === 'draft') {
      const replaced = await findActiveVersion(trx, code, true)
      if (replaced) {
        await changeStatus(trx, context, {
          entityType: 'rule_version', entityId: replaced.id, action: 'retire', to: 'retired', transitions: VERSION_TRANSITIONS,
          reason: `replaced by version ${version}`, changes: { programCode: code, version: replaced.version },
          lock: async () => ({ status: replaced.status, regionCode: actor.regionCode }),
          apply: () => setVersionStatus(trx, replaced.id, 'retired').then(() => undefined),
        })
      }
    }
    await changeStatus(trx, context, {
      entityType: 'rule_version', entityId: row.id, action: input.action, to, transitions: VERSION_TRANSITIONS,
      reason: input.reason ?? null, changes: { programCode: code, version },
      lock: async () => ({ status: row.status, regionCode: actor.regionCode }),
      apply: () => setVersionStatus(trx, row.id, to, actor.id).then(() => undefined),
    })
    return toRuleVersion((await findRuleVersion(trx, code, version))!)
  })
}

/**
 * Seeds the default catalogue: each programme not yet in the database, with its first
 * rule version active. Safe to run on every start.
 */
export async function seedCatalogue (db: Kysely<DB>, context: AuditContext, districtCode: string): Promise<string[]> {
  const seeded: string[] = []
  for (const program of CATALOGUE) {
    await db.transaction().execute(async (trx) => {
      const created = await trx.insertInto('programs')
        .values({ code: program.code, name: program.name, title: program.title, subject: program.subject })
        .onConflict((conflict) => conflict.doNothing())
        .returning('code')
        .executeTakeFirst()
      if (!created) return
      checkRuleVersion(program.version)
      await insertVersion(trx, context, districtCode, program.code, program.version, 'active')
      seeded.push(program.code)
    })
  }
  return seeded
}
