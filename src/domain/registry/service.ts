import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction, Updateable } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import type { DB, PersonsTable } from '../../db/types.js'
import { requireVersion } from '../../http/etag.js'
import { decodeCursor, isUuid, toPage } from '../../http/paging.js'
import { auditInsert, recordAudit, type AuditEntry } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import type { Actor } from '../identity/actor.js'
import { isWithin } from '../regions/scope.js'
import { listedRegion, requireRegion } from '../regions/service.js'
import { deathRecorded } from './deaths.js'
import { householdHead, householdNotFound, householdRegionLevel, parentCycle, parentSex, parentYounger, personExists, personNotFound } from './errors.js'
import {
  checkFamily, checkHousehold, checkMembers, checkParentage, HOUSEHOLD_LEVELS, linkChildren, livingMembers, namedParents, personsInScope,
  provisionalHousehold, withIds, withNormalisedIdNumbers, type ParentFacts,
} from './household-rules.js'
import { normaliseIdNumber, readIdNumber } from './id-number.js'
import { auditedPerson, checkPersonFacts, personValues, sealIdNumber, toPerson } from './people.js'
import { maskName, type PiiVault } from './pii.js'
import {
  childrenOf, descendsFrom, findHousehold, findHouseholdWithMembers, findPerson, insertHouseholdWithMembers, insertPersons, listHouseholds, livingHeadsOf, membersOf, personsByIdNumber,
  updateHousehold, updatePerson, type HouseholdRow, type PersonRow,
} from './repo.js'
import type { Household, HouseholdCreate, HouseholdPatch, MemberCreate, Person, PersonPatch } from './schemas.js'

/** The registry's database handle (or the caller's transaction) and the key that seals its personal data. */
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

/** Households live in villages and hamlets, in the caller's region. */
async function requireHouseholdRegion (db: Kysely<DB>, code: string, scope: string): Promise<void> {
  const region = await requireRegion(db, code, scope)
  if (!HOUSEHOLD_LEVELS.includes(region.level)) throw householdRegionLevel(code, region.level)
}

/** Parents named by motherId / fatherId must be persons the caller can see: their facts, for the parentage rules. */
async function requireParents (db: Kysely<DB>, scope: string, members: Array<{ motherId?: string | null, fatherId?: string | null }>): Promise<Map<string, ParentFacts>> {
  const named = namedParents(members)
  const visible = await personsInScope(db, named, scope)
  const missing = named.find((id) => !visible.has(id))
  if (missing) throw personNotFound(missing)
  return visible
}

/** One ID number belongs to at most one living person: a second is a 409 that points at the first, if the caller may see it. */
async function refuseLivingDuplicates (db: Kysely<DB>, registry: Registry, acting: Acting, idNumbers: string[], except?: string): Promise<void> {
  const existing = (await personsByIdNumber(db, idNumbers.map((idNumber) => registry.vault.blindIndex(idNumber)), { livingOnly: true }))
    .filter((row) => row.id !== except)
  const first = existing[0]
  if (!first) return
  throw personExists(isWithin(first.region_code, acting.scope) ? { personId: first.id, householdId: first.household_id } : 'elsewhere')
}

function isUniqueViolation (error: unknown): boolean {
  return (error as { code?: string }).code === '23505'
}

async function insertMembers (trx: Transaction<DB>, registry: Registry, acting: Acting, household: HouseholdRow, members: MemberCreate[], ids: string[]) {
  try {
    const rows = await insertPersons(trx, members.map((member, index) => personValues(registry.vault, ids[index]!, household.id, member)))
    await recordAudit(trx, acting, ...rows.map((row) => personCreated(row, household)))
    return rows
  } catch (error) {
    if (isUniqueViolation(error)) throw personExists()
    throw error
  }
}

/** The audit row of a person created in a household. */
function personCreated (person: Parameters<typeof auditedPerson>[0], household: { id: string, region_code: string }): AuditEntry {
  return { entityType: 'person', entityId: person.id, action: 'create', regionCode: household.region_code, changes: { householdId: household.id, ...auditedPerson(person) } }
}

/**
 * A new household with its members. The checks read what they need; the household, its
 * members and every audit row are then one statement, with no transaction of its own:
 * PostgreSQL writes it whole or not at all, and a living person registered meanwhile
 * with the same ID number is refused by the unique index, as by the check.
 */
export async function createHousehold (registry: Registry, acting: Acting, body: HouseholdCreate): Promise<Household> {
  const input = { ...body, members: withNormalisedIdNumbers(body.members, '/body/members') }
  checkHousehold(input, '/body', await acting.clock.today())
  const { db } = registry
  await requireHouseholdRegion(db, input.regionCode, acting.scope)
  const parents = await requireParents(db, acting.scope, input.members)
  checkFamily(input.members, provisionalHousehold(input.members), parents, (index) => `/body/members/${index}`)
  await refuseLivingDuplicates(db, registry, acting, livingMembers(input.members).map((member) => member.idNumber))
  const household = { id: randomUUID(), region_code: input.regionCode, hukou_type: input.hukouType, address: input.address, version: 1 }
  const ids = input.members.map(() => randomUUID())
  const persons = linkChildren(input.members, withIds(input.members, ids)).map((member, index) => personValues(registry.vault, ids[index]!, household.id, member))
  const audited = auditInsert(acting, [
    {
      entityType: 'household', entityId: household.id, action: 'create', regionCode: household.region_code,
      changes: { regionCode: household.region_code, hukouType: household.hukou_type, address: household.address },
    },
    ...persons.map((person) => personCreated(person, household)),
  ])
  const rows = await insertHouseholdWithMembers(db, household, persons, audited)
    .catch((error: unknown) => { throw isUniqueViolation(error) ? personExists() : error })
  return householdView(household, rows, registry.vault, acting.actor)
}

export async function getHousehold (registry: Registry, acting: Acting, id: string): Promise<Household> {
  const found = await findHouseholdWithMembers(registry.db, id, acting.scope)
  if (!found) throw householdNotFound(id)
  return householdView(found.household, found.members, registry.vault, acting.actor)
}

export async function listHouseholdsIn (registry: Registry, acting: Acting, query: { region?: string, hukouType?: string, name?: string, limit: number, cursor?: string }) {
  const region = await listedRegion(registry.db, query.region, acting.scope)
  const rows = await listHouseholds(registry.db, {
    region, hukouType: query.hukouType, memberName: query.name, afterId: decodeCursor(query.cursor, isUuid),
  }, query.limit)
  const members = await membersOf(registry.db, rows.slice(0, query.limit).map((row) => row.id))
  return toPage(rows, query.limit, (row) => row.id,
    (row) => householdView(row, members.filter((member) => member.household_id === row.id), registry.vault, acting.actor))
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

export async function patchHousehold (registry: Registry, acting: Acting, id: string, ifMatch: string | undefined, patch: HouseholdPatch): Promise<Household> {
  return inTransaction(registry.db, async (trx) => {
    const current = await findHousehold(trx, id, acting.scope, true)
    if (!current) throw householdNotFound(id)
    requireVersion(ifMatch, current.version)
    if (patch.regionCode) await requireHouseholdRegion(trx, patch.regionCode, acting.scope)
    const updated = await updateHousehold(trx, id, { region_code: patch.regionCode, hukou_type: patch.hukouType, address: patch.address })
    await recordAudit(trx, acting, {
      entityType: 'household', entityId: id, action: 'update', regionCode: updated.region_code,
      changes: changedFields(
        { regionCode: current.region_code, hukouType: current.hukou_type, address: current.address },
        { regionCode: updated.region_code, hukouType: updated.hukou_type, address: updated.address },
      ),
    })
    return householdView(updated, await membersOf(trx, [id]), registry.vault, acting.actor)
  })
}

export async function addMember (registry: Registry, acting: Acting, householdId: string, body: MemberCreate): Promise<Person> {
  const member = { ...body, idNumber: normaliseIdNumber(body.idNumber, '/body/idNumber') }
  checkMembers([member], '/body', await acting.clock.today())
  return inTransaction(registry.db, async (trx) => {
    const household = await findHousehold(trx, householdId, acting.scope, true)
    if (!household) throw householdNotFound(householdId)
    const members = await membersOf(trx, [householdId])
    if (member.relationship === 'head' && members.some((existing) => existing.relationship === 'head' && !existing.death_date)) {
      throw householdHead('already')
    }
    const parents = await requireParents(trx, acting.scope, [member])
    checkFamily([member], members.map((row) => ({ id: row.id, relationship: row.relationship, sex: row.sex, birthDate: row.birth_date })), parents, () => '/body')
    if (!member.deathDate) await refuseLivingDuplicates(trx, registry, acting, [member.idNumber])
    const updated = await updateHousehold(trx, householdId, {})
    const [row] = await insertMembers(trx, registry, acting, updated, linkChildren([member], members), [randomUUID()])
    return toPerson(row!, registry.vault, acting.actor)
  })
}

export async function getPerson (registry: Registry, acting: Acting, id: string): Promise<Person> {
  const row = await findPerson(registry.db, id, acting.scope)
  if (!row) throw personNotFound(id)
  return toPerson(row, registry.vault, acting.actor)
}

export async function lookupPersons (registry: Registry, acting: Acting, typed: string) {
  const { idNumber } = readIdNumber(typed, '/query/idNumber')
  const rows = await personsByIdNumber(registry.db, [registry.vault.blindIndex(idNumber)], { livingOnly: false, scope: acting.scope })
  return { items: rows.map((row) => toPerson(row, registry.vault, acting.actor)), nextCursor: null }
}

/**
 * The family rules a change to a person must keep: one living head per household; the
 * parents it names exist, are not the person or their descendants, are a woman and a
 * man, and are older; and, for the children who name the person, the person stays of
 * the sex those links say and older than each of them. Only what the change touches
 * is checked, so a change of name never trips over an old record.
 */
async function checkPatchedFamily (
  trx: Kysely<DB>, acting: Acting, current: PersonRow, patch: PersonPatch, next: { sex: 'male' | 'female', birthDate: string, deathDate: string | null },
): Promise<void> {
  const relationship = patch.relationship ?? current.relationship
  const livingHeadNow = relationship === 'head' && next.deathDate === null
  const wasLivingHead = current.relationship === 'head' && current.death_date === null
  if (livingHeadNow && !wasLivingHead) {
    // Locking the household makes two changes that would each add a head take turns.
    await findHousehold(trx, current.household_id, acting.scope, true)
    if ((await livingHeadsOf(trx, current.household_id)).some((id) => id !== current.id)) throw householdHead('already')
  }

  const links = { motherId: patch.motherId === undefined ? current.mother_id : patch.motherId, fatherId: patch.fatherId === undefined ? current.father_id : patch.fatherId }
  const changedLinks = { motherId: patch.motherId ?? undefined, fatherId: patch.fatherId ?? undefined }
  const parents = await requireParents(trx, acting.scope, [changedLinks])
  for (const [field, word] of [['motherId', 'mother'], ['fatherId', 'father']] as const) {
    const id = changedLinks[field]
    if (id && (id === current.id || await descendsFrom(trx, id, current.id))) throw parentCycle(`/body/${field}`, word)
  }
  if (patch.birthDate !== undefined) {
    for (const [id, facts] of await personsInScope(trx, namedParents([links]).filter((id) => !parents.has(id)), acting.scope)) parents.set(id, facts)
  }
  checkParentage({ birthDate: next.birthDate, ...(patch.birthDate !== undefined ? links : changedLinks) }, parents, '/body')

  if (patch.sex !== undefined || patch.birthDate !== undefined) {
    for (const child of await childrenOf(trx, current.id)) {
      if (child.mother_id === current.id && next.sex !== 'female') throw parentSex('/body/sex', 'mother')
      if (child.father_id === current.id && next.sex !== 'male') throw parentSex('/body/sex', 'father')
      if (child.birth_date <= next.birthDate) throw parentYounger('/body/birthDate', 'child')
    }
  }
}

export async function patchPerson (registry: Registry, acting: Acting, id: string, ifMatch: string | undefined, body: PersonPatch): Promise<Person> {
  const patch = body.idNumber === undefined ? body : { ...body, idNumber: normaliseIdNumber(body.idNumber, '/body/idNumber') }
  // On the caller's transaction when given one: the embedded engine's one connection is held by it.
  const today = await acting.clock.today(registry.db)
  return inTransaction(registry.db, async (trx) => {
    const current = await findPerson(trx, id, acting.scope, true)
    if (!current) throw personNotFound(id)
    requireVersion(ifMatch, current.version)
    const idNumber = patch.idNumber ?? registry.vault.decrypt(current.id_number_cipher, current.id_number_key)
    const next = {
      sex: patch.sex ?? current.sex,
      birthDate: patch.birthDate ?? current.birth_date,
      deathDate: patch.deathDate === undefined ? current.death_date : patch.deathDate,
    }
    checkPersonFacts({ idNumber, ...next }, '/body', today)
    await checkPatchedFamily(trx, acting, current, patch, next)
    const revived = current.death_date !== null && next.deathDate === null
    if (!next.deathDate && (patch.idNumber !== undefined || revived)) await refuseLivingDuplicates(trx, registry, acting, [idNumber], id)
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
      if (isUniqueViolation(error)) throw personExists()
      throw error
    })
    const visible = (row: Omit<PersonRow, 'region_code'>) => ({
      name: row.name, idNumber: row.id_number_masked, sex: row.sex, birthDate: row.birth_date, deathDate: row.death_date,
      relationship: row.relationship, motherId: row.mother_id, fatherId: row.father_id, adopted: row.adopted,
      disabilityGrade: row.disability_grade, disabilityCertificate: row.disability_certificate,
    })
    await recordAudit(trx, acting, {
      entityType: 'person', entityId: id, action: 'update', regionCode: current.region_code,
      changes: changedFields(visible(current), visible(updated), { name: maskName }),
    })
    if (updated.death_date && !current.death_date) await deathRecorded(trx, acting, { personId: id, date: updated.death_date })
    return toPerson(updated, registry.vault, acting.actor)
  })
}
