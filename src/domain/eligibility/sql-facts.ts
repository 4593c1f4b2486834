import { sql, type RawBuilder } from 'kysely'
import type { FactName } from './facts.js'
import { ADOPTIONS, childrenOn, countsAsChild, LIVE_EVENTS, livingOn } from './sql-history.js'

/**
 * The second evaluator's facts: each fact of the vocabulary as a SQL expression over
 * `persons p join households h`, with the derived tables it needs joined once per
 * statement. Every expression is set-based: counts come from grouped scans, not from
 * a query per person. The dated history they read is sql-history.ts.
 */
export class FactQuery {
  readonly year: number
  /** The statement has a row per claim (`cl`: a service event of the person), not per person. */
  readonly claims: boolean
  readonly #joins = new Map<string, { alias: string, make: (alias: string) => RawBuilder<unknown> }>()
  readonly #wants = new Set<string>()

  constructor (readonly asOf: string, options: { claims?: boolean } = {}) {
    this.year = Number(asOf.slice(0, 4))
    this.claims = options.claims ?? false
  }

  get date (): RawBuilder<string> {
    return sql<string>`${this.asOf}::date`
  }

  /**
   * Joins a derived table once, under an alias made from its key; answers the alias.
   * The table is written when the statement is, so it can carry the columns every
   * fact compiled against this query asked for (see want).
   */
  join (key: string, make: (alias: string) => RawBuilder<unknown>): string {
    const existing = this.#joins.get(key)
    if (existing) return existing.alias
    const alias = `j${this.#joins.size}`
    this.#joins.set(key, { alias, make })
    return alias
  }

  /** Asks a derived table for an optional part (the children's disability). */
  want (part: string): void {
    this.#wants.add(part)
  }

  wants (part: string): boolean {
    return this.#wants.has(part)
  }

  get joins (): RawBuilder<unknown> {
    return sql.join([...this.#joins.values()].map(({ alias, make }) => make(alias)), sql` `)
  }
}

/** `b` forms a couple with `a` (same rule as isCouple in person-facts.ts). */
const coupleOf = (a: string, b: string) => sql.raw(
  `(${b}.household_id = ${a}.household_id and ${b}.id <> ${a}.id and ${b}.sex <> ${a}.sex and (`
  + `(${a}.relationship = 'head' and ${b}.relationship = 'spouse') or (${a}.relationship = 'spouse' and ${b}.relationship = 'head') `
  + `or (${a}.relationship = 'parent' and ${b}.relationship = 'parent')))`)

/** Whole years from a date column to a fixed date: the same rule as ageOn. */
function yearsTo (column: RawBuilder<unknown>, date: string): RawBuilder<number> {
  const monthDay = Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10))
  return sql<number>`(${Number(date.slice(0, 4))} - extract(year from ${column})::int
    - case when extract(month from ${column})::int * 100 + extract(day from ${column})::int > ${monthDay} then 1 else 0 end)`
}

const birthYear = sql`extract(year from p.birth_date)::int`

/** Counts over the children each parent has on the date, grouped once for everyone. */
function children (q: FactQuery, column: string): RawBuilder<unknown> {
  const alias = q.join('children', (as) => {
    const disability = q.wants('childDisability')
    return sql`left join (
      select k.parent_id,
             count(*)::int as children,
             count(*) filter (where c.sex = 'male')::int as sons,
             count(*) filter (where c.sex = 'female')::int as daughters,
             count(*) filter (where c.adopted)::int as adopted,
             count(*) filter (where c.living)::int as living,
             count(*) filter (where c.living and c.sex = 'male')::int as living_sons,
             count(*) filter (where c.living and c.sex = 'female')::int as living_daughters
             ${disability ? sql`, max(c.grade)::int as disability_grade, bool_or(c.certified) as disability_certified` : sql``}
        from ${childrenOn(q.date, { disability })} c
        cross join lateral (values (c.mother_id), (c.father_id)) k (parent_id)
       where k.parent_id is not null
       group by k.parent_id) ${sql.raw(as)} on ${sql.raw(as)}.parent_id = p.id`
  })
  return sql.raw(`${alias}.${column}`)
}

const childCount = (q: FactQuery, column: string) => sql`coalesce(${children(q, column)}, 0)`

/** The child-disability columns of the children table. */
function childDisability (q: FactQuery, column: string): RawBuilder<unknown> {
  q.want('childDisability')
  return children(q, column)
}

/** Aggregates over events of a type on the person or a spouse, dated on or before the as-of date. */
function coupleEvents (q: FactQuery, key: string, type: string, aggregate: RawBuilder<unknown>, extra: RawBuilder<unknown> = sql`true`): string {
  return q.join(key, (as) => sql`left join (
      select c.person_id, ${aggregate} as value
        from ${LIVE_EVENTS} e
        cross join lateral (
          select e.person_id
          union all
          select b.id from persons a join persons b on ${coupleOf('a', 'b')} where a.id = e.person_id
        ) c (person_id)
       where e.type = ${type} and e.date <= ${q.date} and ${extra}
       group by c.person_id) ${sql.raw(as)} on ${sql.raw(as)}.person_id = p.id`)
}

const coupleCertificate = (q: FactQuery) => sql.raw(`${coupleEvents(q, 'certificate', 'only_child_certificate', sql`min(e.date)`)}.value`)
const coupleOutOfPolicy = (q: FactQuery) => sql`coalesce(${sql.raw(`${coupleEvents(q, 'outOfPolicy', 'out_of_policy_birth', sql`count(*)::int`)}.value`)}, 0)`

type Parent = 'mother' | 'father'
const PARENTS: readonly Parent[] = ['mother', 'father']

/** Counts over the children one parent of the person (mother or father) has on the date. */
function parentChildren (q: FactQuery, parent: Parent, column: string): RawBuilder<unknown> {
  const alias = q.join(`children of the ${parent}`, (as) => sql`left join (
      select k.parent_id, count(*)::int as children,
             count(*) filter (where c.sex = 'male')::int as sons, count(*) filter (where c.sex = 'female')::int as daughters
        from ${childrenOn(q.date)} c
        cross join lateral (values (c.mother_id), (c.father_id)) k (parent_id)
       where k.parent_id is not null
       group by k.parent_id) ${sql.raw(as)} on ${sql.raw(as)}.parent_id = p.${sql.raw(parent)}_id`)
  return sql.raw(`${alias}.${column}`)
}

/** Counts over the children of the person's mother and father together. */
function coupleChildren (q: FactQuery, column: string): RawBuilder<unknown> {
  const alias = q.join('children of the parents', (as) => sql`left join (
      select c.mother_id, c.father_id, count(*)::int as children,
             count(*) filter (where c.sex = 'male')::int as sons, count(*) filter (where c.sex = 'female')::int as daughters
        from ${childrenOn(q.date)} c
       where c.mother_id is not null and c.father_id is not null
       group by c.mother_id, c.father_id) ${sql.raw(as)} on ${sql.raw(as)}.mother_id = p.mother_id and ${sql.raw(as)}.father_id = p.father_id`)
  return sql.raw(`${alias}.${column}`)
}

/** The person is their recorded parents' child on the date (born, and adopted by then if adopted); until then they have no parents. */
function hasParents (q: FactQuery): RawBuilder<boolean> {
  const alias = q.join('adoption of the person', (as) => sql`left join ${ADOPTIONS} ${sql.raw(as)} on ${sql.raw(as)}.child_id = p.id`)
  return countsAsChild(alias, q.date)
}

/**
 * Children of the person's mother or father (the person included): the mother's, plus
 * the father's, less those of both, each from a grouped table joined once.
 */
function siblings (q: FactQuery, column: string): RawBuilder<number> {
  return sql<number>`(case when ${hasParents(q)} then coalesce(${parentChildren(q, 'mother', column)}, 0) + coalesce(${parentChildren(q, 'father', column)}, 0)
    - coalesce(${coupleChildren(q, column)}, 0) else 0 end)`
}

/** The certificates and births against policy of one parent of the person (mother or father), on or before the date. */
function parentEvents (q: FactQuery, parent: Parent, column: 'certificate' | 'out_of_policy'): RawBuilder<unknown> {
  const alias = q.join(`events of the ${parent}`, (as) => sql`left join (
      select e.person_id,
             min(e.date) filter (where e.type = 'only_child_certificate') as certificate,
             count(*) filter (where e.type = 'out_of_policy_birth')::int as out_of_policy
        from ${LIVE_EVENTS} e
       where e.type in ('only_child_certificate', 'out_of_policy_birth') and e.date <= ${q.date}
       group by e.person_id) ${sql.raw(as)} on ${sql.raw(as)}.person_id = p.${sql.raw(parent)}_id`)
  return sql.raw(`${alias}.${column}`)
}

const parentsCertificate = (q: FactQuery) =>
  sql`(case when ${hasParents(q)} then least(${sql.join(PARENTS.map((parent) => parentEvents(q, parent, 'certificate')))}) end)`
const parentsOutOfPolicy = (q: FactQuery) =>
  sql`(case when ${hasParents(q)} then ${sql.join(PARENTS.map((parent) => sql`coalesce(${parentEvents(q, parent, 'out_of_policy')}, 0)`), sql` + `)} else 0 end)`

/** One or two children, all daughters. */
const daughtersOnly = (count: RawBuilder<unknown>, daughters: RawBuilder<unknown>) => sql`(${count} in (1, 2) and ${daughters} = ${count})`

type Params = Record<string, string | number>

export const SQL_FACTS: Record<FactName, (q: FactQuery, params: Params) => RawBuilder<unknown>> = {
  age: (q) => yearsTo(sql`p.birth_date`, q.asOf),
  ageAtYearStart: (q) => yearsTo(sql`p.birth_date`, `${q.year}-01-01`),
  ageAtYearEnd: (q) => sql`(${q.year} - ${birthYear})`,
  birthDate: () => sql`p.birth_date`,
  sex: () => sql`p.sex`,
  relationship: () => sql`p.relationship`,
  hukouType: () => sql`h.hukou_type`,
  rural: () => sql`(h.hukou_type in ('agricultural', 'rural_resident'))`,
  alive: (q) => livingOn('p', q.date),
  livingInYear: (q) => sql`(p.birth_date <= ${q.date} and (p.death_date is null or p.death_date >= ${`${q.year}-01-01`}::date))`,
  aliveAtYearStart: (q) => sql`(p.death_date is null or p.death_date >= ${`${q.year}-01-01`}::date)`,
  monthsUnderAgeInYear: (q, params) => sql`(case when ${birthYear} + ${Number(params.age)}::int < ${q.year} then 0
    when ${birthYear} + ${Number(params.age)}::int > ${q.year} then 12 else extract(month from p.birth_date)::int - 1 end)`,
  children: (q) => childCount(q, 'children'),
  sons: (q) => childCount(q, 'sons'),
  daughters: (q) => childCount(q, 'daughters'),
  adoptedChildren: (q) => childCount(q, 'adopted'),
  livingChildren: (q) => childCount(q, 'living'),
  livingSons: (q) => childCount(q, 'living_sons'),
  livingDaughters: (q) => childCount(q, 'living_daughters'),
  deceasedChildren: (q) => sql`(${childCount(q, 'children')} - ${childCount(q, 'living')})`,
  onlyChildDisabilityGrade: (q) => sql`(case when ${children(q, 'children')} = 1 then ${childDisability(q, 'disability_grade')} else 0 end)`,
  onlyChildDisabilityCertified: (q) => sql`coalesce(${children(q, 'children')} = 1 and ${childDisability(q, 'disability_certified')}, false)`,
  womanAgeAtYearEnd: (q) => sql`(case when p.sex = 'female' then ${q.year} - ${birthYear}
    else coalesce((select max(${q.year} - extract(year from b.birth_date)::int) from persons b where b.sex = 'female' and ${coupleOf('p', 'b')}),
                  ${q.year} - ${birthYear}) end)`,
  coupleOutOfPolicyBirths: (q, params) => {
    const alias = coupleEvents(q, `outOfPolicy ${params.from} ${params.to}`, 'out_of_policy_birth', sql`count(*)::int`,
      sql`e.date between ${String(params.from)}::date and ${String(params.to)}::date`)
    return sql`coalesce(${sql.raw(alias)}.value, 0)`
  },
  coupleSterilised: (q) => sql`(${sql.raw(coupleEvents(q, 'sterilisation', 'sterilisation', sql`min(e.date)`))}.value is not null)`,
  yearsSinceCoupleSterilisation: (q) => yearsTo(sql.raw(`${coupleEvents(q, 'sterilisation', 'sterilisation', sql`min(e.date)`)}.value`), q.asOf),
  onlyChildCertificate: (q) => sql`(${coupleCertificate(q)} is not null)`,
  onlyChildCertificateDate: (q) => coupleCertificate(q),
  familyPlanningHousehold: (q) => sql`(${coupleOutOfPolicy(q)} = 0)`,
  daughtersOnlyHousehold: (q) => daughtersOnly(childCount(q, 'children'), childCount(q, 'daughters')),
  onlyChildHousehold: (q) => sql`(${childCount(q, 'children')} = 1 and ${coupleCertificate(q)} is not null)`,
  parentsChildren: (q) => siblings(q, 'children'),
  parentsSons: (q) => siblings(q, 'sons'),
  parentsDaughters: (q) => siblings(q, 'daughters'),
  parentsOnlyChildCertificate: (q) => sql`(${parentsCertificate(q)} is not null)`,
  parentsOnlyChildCertificateDate: (q) => parentsCertificate(q),
  parentsFamilyPlanningHousehold: (q) => sql`(${parentsOutOfPolicy(q)} = 0)`,
  parentsDaughtersOnlyHousehold: (q) => daughtersOnly(siblings(q, 'children'), siblings(q, 'daughters')),
  parentsOnlyChildHousehold: (q) => sql`(${siblings(q, 'children')} = 1 and ${parentsCertificate(q)} is not null)`,
  examTierInYear: (q) => {
    const alias = q.join('examTier', (as) => sql`left join (
        select e.person_id, min((e.details->>'tier')::int) as value from ${LIVE_EVENTS} e
         where e.type = 'exam_result' and e.date between ${`${q.year}-01-01`}::date and ${q.date} and (e.details->>'tier')::int >= 1
         group by e.person_id) ${sql.raw(as)} on ${sql.raw(as)}.person_id = p.id`)
    return sql`coalesce(${sql.raw(alias)}.value, 0)`
  },
}
