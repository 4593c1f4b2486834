import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

/**
 * What the TypeScript evaluator reads of the registry for one person, as plain rows:
 * the person, their spouses, children and siblings, and the dated events of everyone
 * whose history bears on the person's facts.
 */

export interface PersonRecord {
  id: string
  householdId: string
  sex: 'male' | 'female'
  birthDate: string
  deathDate: string | null
  relationship: string
  motherId: string | null
  fatherId: string | null
  adopted: boolean
  /** The grade registered with the person, read only when no assessment is on record. */
  disabilityGrade: number | null
  disabilityCertified: boolean
}

export interface EventRecord {
  id: string
  personId: string
  type: string
  date: string
  details: Record<string, unknown>
}

export interface FactSources {
  person: PersonRecord & { hukouType: string, regionCode: string }
  /** Members of the person's household who form a couple with them. */
  spouses: PersonRecord[]
  /** Persons who name the person as mother or father, wherever they live. */
  children: PersonRecord[]
  /** Persons who name the person's mother or father as theirs, the person included. */
  siblings: PersonRecord[]
  /**
   * Events no later event supersedes, of the person, the spouses, the parents, the
   * children and siblings, and the children's and siblings' recorded parents.
   */
  events: EventRecord[]
}

/** Two members of one household are a couple as head and spouse, or as two parents of the head. */
export function isCouple (a: { relationship: string, sex: string }, b: { relationship: string, sex: string }): boolean {
  if (a.sex === b.sex) return false
  return (a.relationship === 'head' && b.relationship === 'spouse') || (a.relationship === 'spouse' && b.relationship === 'head')
    || (a.relationship === 'parent' && b.relationship === 'parent')
}

type PersonColumns = { id: string, household_id: string, sex: 'male' | 'female', birth_date: string, death_date: string | null, relationship: string,
  mother_id: string | null, father_id: string | null, adopted: boolean, disability_grade: number | null, disability_certificate: string | null }

function toRecord (row: PersonColumns): PersonRecord {
  return {
    id: row.id,
    householdId: row.household_id,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    relationship: row.relationship,
    motherId: row.mother_id,
    fatherId: row.father_id,
    adopted: row.adopted,
    disabilityGrade: row.disability_grade,
    disabilityCertified: row.disability_certificate !== null,
  }
}

const COLUMNS = sql.raw(['id', 'household_id', 'sex', 'birth_date', 'death_date', 'relationship', 'mother_id', 'father_id', 'adopted',
  'disability_grade', 'disability_certificate'].map((column) => `q.${column}`).join(', '))

interface SourcesRow {
  active_version: { id: string, version: number } | null
  person: (PersonColumns & { hukou_type: string, region_code: string }) | null
  housemates: PersonColumns[]
  children: PersonColumns[]
  siblings: PersonColumns[]
  events: Array<{ id: string, person_id: string, type: string, date: string, details: Record<string, unknown> }>
}

/** Reads what the facts of one person need; undefined when the person is not in the scope. */
export async function loadFactSources (db: Kysely<DB>, personId: string, scope: string): Promise<FactSources | undefined> {
  return (await loadForEvaluation(db, personId, scope, null)).sources
}

/**
 * Reads, in one statement, the programme's active version (its id and number) and what
 * the facts of one person need; person is undefined when they are not in the scope.
 * The events read are those of everyone in the person's household rather than of the
 * spouses alone (the facts ask for them by person, so the others are never used): who
 * is a spouse is decided by isCouple, once, here in TypeScript.
 */
export async function loadForEvaluation (db: Kysely<DB>, personId: string, scope: string, programCode: string | null): Promise<{ activeVersion: { id: string, version: number } | null, sources: FactSources | undefined }> {
  const { rows: [row] } = await sql<SourcesRow>`
    with person as (
      select ${COLUMNS}, h.hukou_type, h.region_code
      from persons q join households h on h.id = q.household_id
      where q.id = ${personId}::uuid and ${inSubtree('h.region_code', scope)}
    ),
    housemates as (select ${COLUMNS} from persons q join person p on q.household_id = p.household_id and q.id <> p.id),
    children as (select ${COLUMNS} from persons q join person p on q.mother_id = p.id or q.father_id = p.id),
    siblings as (select ${COLUMNS} from persons q join person p on q.mother_id = p.mother_id or q.father_id = p.father_id),
    owners as (
      select id from person union select mother_id from person union select father_id from person union select id from housemates
      union select id from children union select mother_id from children union select father_id from children
      union select id from siblings union select mother_id from siblings union select father_id from siblings
    )
    select
      (select json_build_object('id', v.id, 'version', v.version) from rule_versions v where v.program_code = ${programCode}::text and v.status = 'active') as active_version,
      (select to_json(person) from person) as person,
      coalesce((select json_agg(housemates) from housemates), '[]') as housemates,
      coalesce((select json_agg(children) from children), '[]') as children,
      coalesce((select json_agg(siblings) from siblings), '[]') as siblings,
      coalesce((select json_agg(json_build_object('id', e.id, 'person_id', e.person_id, 'type', e.type, 'date', e.date, 'details', e.details))
        from person_events e
        where e.person_id in (select id from owners) and not exists (select from person_events s where s.supersedes_id = e.id)), '[]') as events
  `.execute(db)
  const activeVersion = row!.active_version
  if (!row!.person) return { activeVersion, sources: undefined }
  const person = { ...toRecord(row!.person), hukouType: row!.person.hukou_type, regionCode: row!.person.region_code }
  const spouses = row!.housemates.map(toRecord).filter((other) => isCouple(person, other))
  return {
    activeVersion,
    sources: {
      person,
      spouses,
      children: row!.children.map(toRecord),
      siblings: row!.siblings.map(toRecord),
      events: row!.events.map((event) => ({ id: event.id, personId: event.person_id, type: event.type, date: event.date, details: event.details })),
    },
  }
}
