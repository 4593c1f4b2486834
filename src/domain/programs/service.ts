import type { Kysely, Transaction } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB } from '../../db/types.js'
import { recordAudit } from '../audit/record.js'
import { officerIdOf } from '../identity/actor.js'
import type { Acting } from '../identity/acting.js'
import { transition } from '../state/machine.js'
import type { Workflow } from '../workflow/steps.js'
import { CATALOGUE, type CatalogueProgram } from './catalogue.js'
import { districtScopeRequired, noActiveVersion, programNotFound, ruleVersionNotFound } from './errors.js'
import {
  findActiveVersion, findProgram, findRuleVersion, findVersionsLike, insertRuleVersion, listPrograms, listVersions, nextVersionNumber,
} from './repo.js'
import { districtAdministratorsOnly, RULE_VERSION } from './rule-version-machine.js'
import type { Program, ProgramSummary, RuleVersion, RuleVersionCreate, RuleVersionTransition } from './schemas.js'
import { checkRuleVersion, ruleSetOf, storedAmounts, toRuleVersion, type RuleSet } from './versions.js'

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
  if (!row) throw await findProgram(db, code) ? ruleVersionNotFound(code, version) : programNotFound(code)
  return toRuleVersion(row)
}

/** The rules eligibility applies: the active version, or a named one (a draft, for a simulation). */
export async function ruleSetFor (db: Kysely<DB>, code: string, version?: number): Promise<RuleSet> {
  const row = version === undefined ? await findActiveVersion(db, code) : await findRuleVersion(db, code, version)
  if (row) return ruleSetOf(row)
  if (!await findProgram(db, code)) throw programNotFound(code)
  if (version !== undefined) throw ruleVersionNotFound(code, version)
  throw noActiveVersion(code)
}

/**
 * The rule set of a version known by its row id. What eligibility reads of a version
 * (its rules, amounts and funding) never changes once written, only its status, so
 * each is read once per process and kept by its id, which no other version shares.
 */
export async function ruleSetOfVersion (db: Kysely<DB>, code: string, version: { id: string, version: number }): Promise<RuleSet> {
  const kept = keptRuleSets.get(version.id)
  if (kept) return kept
  const ruleSet = await ruleSetFor(db, code, version.version)
  if (keptRuleSets.size >= 1000) keptRuleSets.clear()
  keptRuleSets.set(version.id, ruleSet)
  return ruleSet
}

const keptRuleSets = new Map<string, RuleSet>()

/** What a new case needs of its programme: the active version's number and workflow, and whose application it is. */
export async function programForCases (db: Kysely<DB>, code: string): Promise<{ code: string, name: string, subject: 'person' | 'child' | 'household', version: number, workflow: Workflow }> {
  const program = await findProgram(db, code)
  if (!program) throw programNotFound(code)
  const active = await findActiveVersion(db, code)
  if (!active) throw noActiveVersion(code)
  return { code, name: program.name, subject: program.subject, version: active.version, workflow: active.workflow as Workflow }
}

/** The number of the programme's active version, or null when none is. */
export async function activeVersionNumber (db: Kysely<DB>, code: string): Promise<number | null> {
  return (await findActiveVersion(db, code))?.version ?? null
}

async function insertVersion (
  trx: Transaction<DB>, acting: Acting, regionCode: string, code: string, body: RuleVersionCreate, status: 'draft' | 'active', audited: Record<string, unknown> = {},
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
    authored_by: officerIdOf(acting.actor),
    author_name: acting.actor.name,
    ...(status === 'active' ? { activated_at: acting.clock.sql } : {}),
  })
  await recordAudit(trx, acting, {
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
export async function createRuleVersion (db: Kysely<DB>, acting: Acting, code: string, body: RuleVersionCreate): Promise<RuleVersion> {
  if (districtAdministratorsOnly(null, acting)) throw districtScopeRequired()
  checkRuleVersion(body)
  return inTransaction(db, async (trx) => {
    // The programme row is the lock that numbers versions one at a time.
    if (!await findProgram(trx, code, true)) throw programNotFound(code)
    const { version } = await insertVersion(trx, acting, acting.scope, code, body, 'draft')
    return toRuleVersion((await findRuleVersion(trx, code, version))!)
  })
}

/**
 * Activates or retires a version, on the rule version's state machine. Activation
 * retires the version it replaces in the same transaction: a refused activation
 * (four eyes, a version not a draft) rolls that back with it.
 */
export async function transitionRuleVersion (
  db: Kysely<DB>, acting: Acting, code: string, version: number, input: RuleVersionTransition,
): Promise<RuleVersion> {
  return inTransaction(db, async (trx) => {
    if (!await findProgram(trx, code, true)) throw programNotFound(code)
    const row = await findRuleVersion(trx, code, version)
    if (!row) throw ruleVersionNotFound(code, version)
    const options = { reason: input.reason ?? null }
    if (input.action === 'activate') {
      const replaced = await findActiveVersion(trx, code)
      if (replaced && replaced.id !== row.id) {
        await transition(trx, RULE_VERSION, acting, replaced.id, 'retire', { reason: `replaced by version ${version}` })
      }
    }
    await transition(trx, RULE_VERSION, acting, row.id, input.action, options)
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
async function bringUpToDate (trx: Transaction<DB>, acting: Acting, program: CatalogueProgram): Promise<string | null> {
  const latest = program.revisions[program.revisions.length - 1]!
  const seededBy = (row: { authored_by: string | null, author_name: string }) => row.authored_by === null && row.author_name === acting.actor.name
  const alike = await findVersionsLike(trx, program.code, contentOf(latest))
  if (alike.some((row) => row.status === 'active' || seededBy(row))) return null
  checkRuleVersion(latest)
  if (await nextVersionNumber(trx, program.code) === 1) {
    await insertVersion(trx, acting, acting.scope, program.code, latest, 'active')
    return 'seeded'
  }
  const active = await findActiveVersion(trx, program.code)
  const earlier = active && seededBy(active)
    ? (await Promise.all(program.revisions.slice(0, -1).map((revision) => findVersionsLike(trx, program.code, contentOf(revision)))))
        .some((rows) => rows.some((row) => row.id === active.id))
    : false
  if (!active || !earlier) {
    await insertVersion(trx, acting, acting.scope, program.code, latest, 'draft')
    return 'proposed'
  }
  const next = await nextVersionNumber(trx, program.code)
  await transition(trx, RULE_VERSION, acting, active.id, 'retire', { reason: `replaced by version ${next}, the catalogue's corrected revision` })
  await insertVersion(trx, acting, acting.scope, program.code, latest, 'active', { replaces: active.version })
  return 'corrected'
}

/**
 * Seeds the default catalogue and keeps it up to date: each programme not yet in the
 * database, and each programme's last revision (see bringUpToDate). Safe to run on
 * every start; answers what changed, as `CODE: seeded | corrected | proposed`.
 */
export async function seedCatalogue (db: Kysely<DB>, acting: Acting, catalogue: readonly CatalogueProgram[] = CATALOGUE): Promise<string[]> {
  const changed: string[] = []
  for (const program of catalogue) {
    await inTransaction(db, async (trx) => {
      await trx.insertInto('programs')
        .values({ code: program.code, name: program.name, title: program.title, subject: program.subject })
        .onConflict((conflict) => conflict.doNothing())
        .execute()
      await findProgram(trx, program.code, true)
      const outcome = await bringUpToDate(trx, acting, program)
      if (outcome) changed.push(`${program.code}: ${outcome}`)
    })
  }
  return changed
}
