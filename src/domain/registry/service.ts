import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction, Updateable } from 'kysely'
import type { DB, PersonsTable } from '../../db/types.js'
import { requireVersion } from '../../http/etag.js'
import { decodeCursor, isString, toPage } from '../../http/paging.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { recordAudit, type AuditEntry } from '../audit/record.js'
import type { Actor } from '../identity/actor.js'
import { findRegion } from '../regions/repo.js'
import { isWithin } from '../regions/scope.js'
import { regionNotFound } from '../regions/service.js'
import { readIdNumber } from './id-number.js'
import { auditedPerson, checkPersonFacts, personValues, sealIdNumber, toPerson } from './people.js'
import { maskName, type PiiVault } from './pii.js'
import {
  findHousehold, findPerson, insertHousehold, insertPersons, listHouseholds, membersOf, personsByIdNumber,
  updateHousehold, updatePerson, type HouseholdRow, type PersonRow,
} from './repo.js'
import type { Household, HouseholdCreate, HouseholdPatch, MemberCreate, Person, PersonPatch } from './schemas.js'

export interface Registry {
  db: Kysely<DB>
  vault: PiiVault
}

function householdView (row: Pick<HouseholdRow, 'id' | 'region_code' | 'hukou_type' | 'address' | 'version'>, members: Array<Omit<PersonRow, 'region_code'>>, vault: PiiVault, actor: Actor): Household {
  return {
    id: row.id,
    regionCode: row.region_code,
    hukouType: row.hukou_type,
    address: row.address,
    version: row.version,
    members: members.map((member) => toPerson(member, vault, actor)),
  }
}

const householdNotFound = (id: string) => new ProblemError(404, 'household_not_found', `No household ${id} in your region.`)
const personNotFound = (id: string) => new ProblemError(404, 'person_not_found', `No person ${id} in your region.`)

/** Households live in villages and hamlets, in the caller's region. */
async function requireHouseholdRegion (db: Kysely<DB>, code: string, scope: string): Promise<void> {
  const region = await findRegion(db, code, scope)
  if (!region) throw regionNotFound(code)
  if (region.level !== 'village' && region.level !== 'hamlet') {
    throw new ProblemError(422, 'household_region_level', `Households are registered in a village or hamlet; ${code} is a ${region.level}.`)
  }
}

/** Parents named by motherId / fatherId must be persons the caller can see. */
async function requireParents (db: Kysely<DB>, scope: string, members: Array<{ motherId?: string | null, fatherId?: string | null }>): Promise<void> {
  const ids = new Set(members.flatMap((member) => [member.motherId, member.fatherId]).filter((id): id is string => typeof id === 'string'))
  for (const id of ids) if (!await findPerson(db, id, scope)) throw personNotFound(id)
}

/** One ID number belongs to at most one living person: a second is a 409 that points at the first, if the caller may see it. */
async function refuseLivingDuplicates (db: Kysely<DB>, registry: Registry, actor: Actor, idNumbers: string[], except?: string): Promise<void> {
  const existing = (await personsByIdNumber(db, idNumbers.map((idNumber) => registry.vault.blindIndex(idNumber)), { livingOnly: true }))
    .filter((row) => row.id !== except)
  const first = existing[0]
  if (!first) return
  const visible = isWithin(first.region_code, actor.regionCode)
  throw new ProblemError(409, 'person_exists', visible
    ? `A living person with this ID number is already registered: /v1/persons/${first.id} in household ${first.household_id}.`
    : 'A living person with this ID number is already registered in another region.')
}

function isUniqueViolation (error: unknown): boolean {
  return (error as { code?: string }).code === '23505'
}

/**
 * Children are linked to the head and spouse of their household, by sex, unless the
 * body names their parents. household holds the members already known, with their ids.
 */
export function linkChildren (members: MemberCreate[], household: Array<{ id: string, relationship: string, sex: string }>): MemberCreate[] {
  const parent = (sex: 'male' | 'female') =>
    household.find((person) => (person.relationship === 'head' || person.relationship === 'spouse') && person.sex === sex)?.id
  const mother = parent('female')
  const father = parent('male')
  return members.map((member) => member.relationship !== 'child'
    ? member
    : { ...member, motherId: member.motherId ?? mother, fatherId: member.fatherId ?? father })
}

/** The members of a request, with the ids they are about to get. */
export function withIds (members: MemberCreate[], ids: string[]) {
  return members.map((member, index) => ({ id: ids[index]!, relationship: member.relationship, sex: member.sex }))
}

function checkMembers (members: MemberCreate[], path: string): void {
  members.forEach((member, index) => checkPersonFacts(member, `${path}/${index}`))
  const living = members.filter((member) => !member.deathDate).map((member) => member.idNumber)
  const repeated = living.find((idNumber, index) => living.indexOf(idNumber) !== index)
  if (repeated) throw new ProblemError(422, 'duplicate_id_number', 'Two living members have the same ID number.')
}

async function insertMembers (
  trx: Transaction<DB>, registry: Registry, context: AuditContext, household: HouseholdRow, members: MemberCreate[], ids = members.map(() => randomUUID()),
) {
  try {
    const rows = await insertPersons(trx, members.map((member, index) => ({ id: ids[index]!, ...personValues(registry.vault, household.id, member) })))
    await recordAudit(trx, context, ...rows.map((row): AuditEntry => ({
      entityType: 'person', entityId: row.id, action: 'create', regionCode: household.region_code, changes: { householdId: household.id, ...auditedPerson(row) },
    })))
    return rows
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProblemError(409, 'person_exists', 'A living person with this ID number is already registered.')
    throw error
  }
}

/** The checks a household body must pass before the database is asked anything. */
export function checkHousehold (input: HouseholdCreate, path = '/body'): void {
  const heads = input.members.filter((member) => member.relationship === 'head').length
  if (heads !== 1) throw new ProblemError(422, 'household_head', `A household has exactly one head; this one has ${heads}.`)
  checkMembers(input.members, `${path}/members`)
}

export async function createHousehold (registry: Registry, context: AuditContext, actor: Actor, input: HouseholdCreate): Promise<Household> {
  checkHousehold(input)
  return registry.db.transaction().execute(async (trx) => {
    await requireHouseholdRegion(trx, input.regionCode, actor.regionCode)
    await requireParents(trx, actor.regionCode, input.members)
    await refuseLivingDuplicates(trx, registry, actor, input.members.filter((member) => !member.deathDate).map((member) => member.idNumber))
    const household = await insertHousehold(trx, input)
    await recordAudit(trx, context, {
      entityType: 'household', entityId: household.id, action: 'create', regionCode: household.region_code,
      changes: { regionCode: household.region_code, hukouType: household.hukou_type, address: household.address },
    })
    const ids = input.members.map(() => randomUUID())
    const rows = await insertMembers(trx, registry, context, household, linkChildren(input.members, withIds(input.members, ids)), ids)
    return householdView(household, rows, registry.vault, actor)
  })
}

export async function getHousehold (registry: Registry, actor: Actor, id: string): Promise<Household> {
  const household = await findHousehold(registry.db, id, actor.regionCode)
  if (!household) throw householdNotFound(id)
  return householdView(household, await membersOf(registry.db, [id]), registry.vault, actor)
}

export async function listHouseholdsIn (registry: Registry, actor: Actor, query: { region?: string, hukouType?: string, name?: string, limit: number, cursor?: string }) {
  const region = query.region ?? actor.regionCode
  if (!await findRegion(registry.db, region, actor.regionCode)) throw regionNotFound(region)
  const rows = await listHouseholds(registry.db, {
    region, hukouType: query.hukouType, memberName: query.name, afterId: decodeCursor(query.cursor, isString),
  }, query.limit)
  const members = await membersOf(registry.db, rows.slice(0, query.limit).map((row) => row.id))
  return toPage(rows, query.limit, (row) => row.id,
    (row) => householdView(row, members.filter((member) => member.household_id === row.id), registry.vault, actor))
}

/** The fields that differ, as { field: { from, to } }, with personal data masked. */
function changedFields (before: Record<string, unknown>, after: Record<string, unknown>, mask: Record<string, (value: string) => string> = {}) {
  const changes: Record<string, { from: unknown, to: unknown }> = {}
  for (const [field, value] of Object.entries(after)) {
    if (before[field] === value) continue
    const show = (shown: unknown) => typeof shown === 'string' && mask[field] ? mask[field](shown) : shown ?? null
    changes[field] = { from: show(before[field]), to: show(value) }
  }
  return changes
}

export async function patchHousehold (registry: Registry, context: AuditContext, actor: Actor, id: string, ifMatch: string | undefined, patch: HouseholdPatch): Promise<Household> {
  return registry.db.transaction().execute(async (trx) => {
    const current = await findHousehold(trx, id, actor.regionCode, true)
    if (!current) throw householdNotFound(id)
    requireVersion(ifMatch, current.version)
    if (patch.regionCode) await requireHouseholdRegion(trx, patch.regionCode, actor.regionCode)
    const updated = await updateHousehold(trx, id, { region_code: patch.regionCode, hukou_type: patch.hukouType, address: patch.address })
    await recordAudit(trx, context, {
      entityType: 'household', entityId: id, action: 'update', regionCode: updated.region_code,
      changes: changedFields(
        { regionCode: current.region_code, hukouType: current.hukou_type, address: current.address },
        { regionCode: updated.region_code, hukouType: updated.hukou_type, address: updated.address },
      ),
    })
    return householdView(updated, await membersOf(trx, [id]), registry.vault, actor)
  })
}

export async function addMember (registry: Registry, context: AuditContext, actor: Actor, householdId: string, member: MemberCreate): Promise<Person> {
  checkMembers([member], '/body')
  return registry.db.transaction().execute(async (trx) => {
    const household = await findHousehold(trx, householdId, actor.regionCode, true)
    if (!household) throw householdNotFound(householdId)
    const members = await membersOf(trx, [householdId])
    if (member.relationship === 'head' && members.some((existing) => existing.relationship === 'head' && !existing.death_date)) {
      throw new ProblemError(422, 'household_head', 'The household has a head already.')
    }
    await requireParents(trx, actor.regionCode, [member])
    if (!member.deathDate) await refuseLivingDuplicates(trx, registry, actor, [member.idNumber])
    const updated = await updateHousehold(trx, householdId, {})
    const [row] = await insertMembers(trx, registry, context, updated, linkChildren([member], members))
    return toPerson(row!, registry.vault, actor)
  })
}

export async function getPerson (registry: Registry, actor: Actor, id: string): Promise<Person> {
  const row = await findPerson(registry.db, id, actor.regionCode)
  if (!row) throw personNotFound(id)
  return toPerson(row, registry.vault, actor)
}

export async function lookupPersons (registry: Registry, actor: Actor, idNumber: string) {
  readIdNumber(idNumber, '/query/idNumber')
  const rows = await personsByIdNumber(registry.db, [registry.vault.blindIndex(idNumber)], { livingOnly: false, scope: actor.regionCode })
  return { items: rows.map((row) => toPerson(row, registry.vault, actor)), nextCursor: null }
}

export async function patchPerson (registry: Registry, context: AuditContext, actor: Actor, id: string, ifMatch: string | undefined, patch: PersonPatch): Promise<Person> {
  return registry.db.transaction().execute(async (trx) => {
    const current = await findPerson(trx, id, actor.regionCode, true)
    if (!current) throw personNotFound(id)
    requireVersion(ifMatch, current.version)
    const idNumber = patch.idNumber ?? registry.vault.decrypt(current.id_number_cipher, current.id_number_key)
    const next = {
      sex: patch.sex ?? current.sex,
      birthDate: patch.birthDate ?? current.birth_date,
      deathDate: patch.deathDate === undefined ? current.death_date : patch.deathDate,
    }
    checkPersonFacts({ idNumber, ...next }, '/body')
    await requireParents(trx, actor.regionCode, [patch])
    const revived = current.death_date !== null && next.deathDate === null
    if (!next.deathDate && (patch.idNumber !== undefined || revived)) await refuseLivingDuplicates(trx, registry, actor, [idNumber], id)
    const changes: Updateable<PersonsTable> = {
      name: patch.name,
      ...(patch.idNumber === undefined ? {} : sealIdNumber(registry.vault, patch.idNumber)),
      sex: patch.sex,
      birth_date: patch.birthDate,
      death_date: patch.deathDate,
      relationship: patch.relationship,
      mother_id: patch.motherId,
      father_id: patch.fatherId,
      adopted: patch.adopted,
      disability_grade: patch.disabilityGrade,
      disability_certificate: patch.disabilityCertificate,
    }
    const updated = await updatePerson(trx, id, changes).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new ProblemError(409, 'person_exists', 'A living person with this ID number is already registered.')
      throw error
    })
    const visible = (row: Omit<PersonRow, 'region_code'>) => ({
      name: row.name, idNumber: row.id_number_masked, sex: row.sex, birthDate: row.birth_date, deathDate: row.death_date,
      relationship: row.relationship, motherId: row.mother_id, fatherId: row.father_id, adopted: row.adopted,
      disabilityGrade: row.disability_grade, disabilityCertificate: row.disability_certificate,
    })
    await recordAudit(trx, context, {
      entityType: 'person', entityId: id, action: 'update', regionCode: current.region_code,
      changes: changedFields(visible(current), visible(updated), { name: maskName }),
    })
    return toPerson(updated, registry.vault, actor)
  })
}
