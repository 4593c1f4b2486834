import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit } from '../audit/record.js'
import { changeStatus, type Transitions } from '../audit/status-change.js'
import type { Actor } from '../identity/actor.js'
import { levelOf } from '../regions/scope.js'
import { CATALOGUE, type CatalogueProgram } from './catalogue.js'
import {
  findActiveVersion, findProgram, findRuleVersion, findVersionsLike, insertRuleVersion, listPrograms, listVersions, nextVersionNumber, setVersionStatus,
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

async function insertVersion (
  trx: Transaction<DB>, context: AuditContext, regionCode: string, code: string, body: RuleVersionCreate, status: 'draft' | 'active', audited: Record<string, unknown> = {},
) {
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
    changes: { programCode: code, version, effectiveFrom: body.effectiveFrom, ...audited },
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

const contentOf = (body: RuleVersionCreate) => ({
  effective_from: body.effectiveFrom,
  rules: body.rules,
  amounts: storedAmounts(body.amounts),
  funding: body.funding,
  payment: body.payment,
  workflow: body.workflow,
})

/**
 * Brings one programme up to the catalogue's last revision, in the caller's transaction
 * (the programme row locked): seeded as version 1 when the programme has no version; as a
 * new active version, retiring the active one, when that one is an earlier revision the
 * catalogue seeded; and otherwise, when an administrator has put rules of their own in
 * force, as a draft for administrators to simulate and activate. Nothing when a version
 * with the revision's content is active, or was ever written by the catalogue.
 */
async function bringUpToDate (trx: Transaction<DB>, context: AuditContext, districtCode: string, program: CatalogueProgram): Promise<string | null> {
  const latest = program.revisions[program.revisions.length - 1]!
  const seededBy = (row: { authored_by: string | null, author_name: string }) => row.authored_by === null && row.author_name === context.actor.name
  const alike = await findVersionsLike(trx, program.code, contentOf(latest))
  if (alike.some((row) => row.status === 'active' || seededBy(row))) return null
  checkRuleVersion(latest)
  if (await nextVersionNumber(trx, program.code) === 1) {
    await insertVersion(trx, context, districtCode, program.code, latest, 'active')
    return 'seeded'
  }
  const active = await findActiveVersion(trx, program.code, true)
  const earlier = active && seededBy(active)
    ? (await Promise.all(program.revisions.slice(0, -1).map((revision) => findVersionsLike(trx, program.code, contentOf(revision)))))
        .some((rows) => rows.some((row) => row.id === active.id))
    : false
  if (!active || !earlier) {
    await insertVersion(trx, context, districtCode, program.code, latest, 'draft')
    return 'proposed'
  }
  const next = await nextVersionNumber(trx, program.code)
  await changeStatus(trx, context, {
    entityType: 'rule_version', entityId: active.id, action: 'retire', to: 'retired', transitions: VERSION_TRANSITIONS,
    reason: `replaced by version ${next}, the catalogue's corrected revision`, changes: { programCode: program.code, version: active.version },
    lock: async () => ({ status: active.status, regionCode: districtCode }),
    apply: () => setVersionStatus(trx, active.id, 'retired').then(() => undefined),
  })
  await insertVersion(trx, context, districtCode, program.code, latest, 'active', { replaces: active.version })
  return 'corrected'
}

/**
 * Seeds the default catalogue and keeps it up to date: each programme not yet in the
 * database, and each programme's last revision (see bringUpToDate). Safe to run on
 * every start; answers what changed, as `CODE: seeded | corrected | proposed`.
 */
export async function seedCatalogue (db: Kysely<DB>, context: AuditContext, districtCode: string, catalogue: readonly CatalogueProgram[] = CATALOGUE): Promise<string[]> {
  const changed: string[] = []
  for (const program of catalogue) {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('programs')
        .values({ code: program.code, name: program.name, title: program.title, subject: program.subject })
        .onConflict((conflict) => conflict.doNothing())
        .execute()
      await findProgram(trx, program.code, true)
      const outcome = await bringUpToDate(trx, context, districtCode, program)
      if (outcome) changed.push(`${program.code}: ${outcome}`)
    })
  }
  return changed
}
