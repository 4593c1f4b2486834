import { sql, type Kysely, type RawBuilder, type Selectable, type Updateable } from 'kysely'
import type { DB, PersonsTable } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'
import { PERSON_COLUMNS, type PersonInsert } from './people.js'

export type PersonRow = Awaited<ReturnType<typeof findPerson>> & {}
export type HouseholdRow = Awaited<ReturnType<typeof findHousehold>> & {}

/**
 * Many persons in one statement with one array per column: PostgreSQL plans it once,
 * where a multi-row VALUES of the same rows would carry sixteen parameters a row.
 * Binary columns travel as hex text: an array of bytea is not a parameter both engines take.
 */
export async function insertPersons (db: Kysely<DB>, persons: PersonInsert[], options: { returning: boolean } = { returning: true }) {
  const { rows } = await personsInsert(persons, options).execute(db)
  return rows
}

/** insertPersons' statement, to run alone or as a CTE of a larger one. */
function personsInsert (persons: PersonInsert[], options: { returning: boolean }) {
  const columns = Object.keys(PERSON_COLUMNS) as Array<keyof typeof PERSON_COLUMNS>
  const binary = (column: keyof typeof PERSON_COLUMNS) => PERSON_COLUMNS[column] === 'bytea'
  const arrays = columns.map((column) => binary(column)
    ? sql`${persons.map((person) => Buffer.from(person[column] as Uint8Array).toString('hex'))}::text[]`
    : sql`${persons.map((person) => person[column])}::${sql.raw(PERSON_COLUMNS[column])}[]`)
  return sql<Selectable<PersonsTable>>`
    insert into persons (${sql.join(columns.map((column) => sql.ref(column)))})
    select ${sql.join(columns.map((column) => binary(column) ? sql`decode(${sql.ref(column)}, 'hex')` : sql.ref(column)))}
      from unnest(${sql.join(arrays)}) as rows (${sql.join(columns.map((column) => sql.ref(column)))})
    ${options.returning ? sql`returning *` : sql``}
  `
}

/**
 * A new household, its members and their audit rows in one statement (PostgreSQL runs
 * it whole or not at all): the members as written, in the order given.
 */
export async function insertHouseholdWithMembers (
  db: Kysely<DB>, household: { id: string, region_code: string, hukou_type: DB['households']['hukou_type'], address: string },
  persons: PersonInsert[], audited: RawBuilder<unknown>,
) {
  const { rows } = await sql<Selectable<PersonsTable>>`
    with household as (
      insert into households (id, region_code, hukou_type, address)
      values (${household.id}::uuid, ${household.region_code}, ${household.hukou_type}, ${household.address})
    ), members as (${personsInsert(persons, { returning: true })}), audited as (${audited})
    select * from members
  `.execute(db)
  const byId = new Map(rows.map((row) => [row.id, row]))
  return persons.map((person) => byId.get(person.id)!)
}

export function findHousehold (db: Kysely<DB>, id: string, scope: string, lock = false) {
  const query = db.selectFrom('households').selectAll()
    .where('id', '=', id)
    .where(inSubtree('region_code', scope))
  return (lock ? query.forUpdate() : query).executeTakeFirst()
}

export function updateHousehold (db: Kysely<DB>, id: string, changes: Updateable<DB['households']>) {
  return db.updateTable('households')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function membersOf (db: Kysely<DB>, householdIds: string[]) {
  if (householdIds.length === 0) return Promise.resolve([])
  // Head, spouse, parents, children (eldest first), others: the order of a household register.
  return db.selectFrom('persons').selectAll()
    .where('household_id', 'in', householdIds)
    .orderBy(sql`array_position(array['head', 'spouse', 'parent', 'child', 'other'], relationship)`)
    .orderBy('birth_date').orderBy('id')
    .execute()
}

/**
 * A household of the scope with its members, in one statement: a row per member (one
 * row with no member for a household without any), the household's fields beside.
 */
export async function findHouseholdWithMembers (db: Kysely<DB>, id: string, scope: string) {
  const rows = await db.selectFrom('households as h')
    .leftJoin('persons as p', 'p.household_id', 'h.id')
    .selectAll('p')
    .select(['h.id as h_id', 'h.region_code as h_region_code', 'h.hukou_type as h_hukou_type', 'h.address as h_address', 'h.version as h_version'])
    .where('h.id', '=', id)
    .where(inSubtree('h.region_code', scope))
    .orderBy(sql`array_position(array['head', 'spouse', 'parent', 'child', 'other'], p.relationship)`)
    .orderBy('p.birth_date').orderBy('p.id')
    .execute()
  const first = rows[0]
  if (!first) return undefined
  const household = { id: first.h_id, region_code: first.h_region_code, hukou_type: first.h_hukou_type, address: first.h_address, version: first.h_version }
  const members = rows.filter((row) => row.id !== null).map(({ h_id, h_region_code, h_hukou_type, h_address, h_version, ...person }) => person as Selectable<PersonsTable>)
  return { household, members }
}

/** A person whose household is in the scope. */
export function findPerson (db: Kysely<DB>, id: string, scope: string, lock = false) {
  const query = db.selectFrom('persons').selectAll('persons')
    .innerJoin('households', 'households.id', 'persons.household_id')
    .select('households.region_code')
    .where('persons.id', '=', id)
    .where(inSubtree('households.region_code', scope))
  return (lock ? query.forUpdate('persons') : query).executeTakeFirst()
}

export function updatePerson (db: Kysely<DB>, id: string, changes: Updateable<PersonsTable>) {
  return db.updateTable('persons')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Persons with these ID numbers (by blind index), living ones only if asked, wherever they are. */
export function personsByIdNumber (db: Kysely<DB>, indexes: Buffer[], options: { livingOnly: boolean, scope?: string }) {
  if (indexes.length === 0) return Promise.resolve([])
  let query = db.selectFrom('persons').selectAll('persons')
    .innerJoin('households', 'households.id', 'persons.household_id')
    .select('households.region_code')
    .where('persons.id_number_index', 'in', indexes)
  if (options.livingOnly) query = query.where('persons.death_date', 'is', null)
  if (options.scope !== undefined) query = query.where(inSubtree('households.region_code', options.scope))
  return query.orderBy('persons.id').execute()
}

export interface HouseholdFilter {
  region: string
  hukouType?: string | undefined
  memberName?: string | undefined
  afterId?: string | undefined
}

export function listHouseholds (db: Kysely<DB>, filter: HouseholdFilter, limit: number) {
  let query = db.selectFrom('households').selectAll()
    .where(inSubtree('region_code', filter.region))
    .orderBy('id')
    .limit(limit + 1)
  if (filter.hukouType !== undefined) query = query.where('hukou_type', '=', filter.hukouType as DB['households']['hukou_type'])
  if (filter.memberName !== undefined) {
    const name = filter.memberName
    query = query.where(({ exists, selectFrom }) => exists(
      selectFrom('persons').select('persons.id').whereRef('persons.household_id', '=', 'households.id').where('persons.name', '=', name),
    ))
  }
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
  return query.execute()
}

/** The living heads of a household. */
export async function livingHeadsOf (db: Kysely<DB>, householdId: string): Promise<string[]> {
  const rows = await db.selectFrom('persons').select('id')
    .where('household_id', '=', householdId).where('relationship', '=', 'head').where('death_date', 'is', null)
    .execute()
  return rows.map((row) => row.id)
}

/** The persons who name this one as mother or father, wherever they live. */
export function childrenOf (db: Kysely<DB>, personId: string) {
  return db.selectFrom('persons').select(['id', 'mother_id', 'father_id', 'birth_date'])
    .where((eb) => eb.or([eb('mother_id', '=', personId), eb('father_id', '=', personId)]))
    .execute()
}

/**
 * Whether person descends from ancestor, through mother and father links of any depth.
 * UNION (not UNION ALL) stops on a loop an old record may hold.
 */
export async function descendsFrom (db: Kysely<DB>, person: string, ancestor: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    with recursive lineage (id) as (
      select ${person}::uuid
      union
      select parent.id
        from lineage
        join persons p on p.id = lineage.id
        cross join lateral (values (p.mother_id), (p.father_id)) as parent (id)
       where parent.id is not null
    )
    select exists (select 1 from lineage where id = ${ancestor}::uuid) as found
  `.execute(db)
  return Boolean(rows[0]?.found)
}