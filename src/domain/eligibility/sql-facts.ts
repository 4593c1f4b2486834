import { sql, type RawBuilder } from 'kysely'
import type { FactName } from './facts.js'

/**
 * The second evaluator's facts: each fact of the vocabulary as a SQL expression over
 * `persons p join households h`, with the derived tables it needs joined once per
 * statement. Every expression is set-based: counts come from grouped scans, not from
 * a query per person.
 */
export class FactQuery {
  readonly year: number
  readonly #joins = new Map<string, RawBuilder<unknown>>()

  constructor (readonly asOf: string) {
    this.year = Number(asOf.slice(0, 4))
  }

  get date (): RawBuilder<string> {
    return sql<string>`${this.asOf}::date`
  }

  /** Joins a derived table once, under an alias made from its key; answers the alias. */
  join (key: string, make: (alias: string) => RawBuilder<unknown>): string {
    const existing = [...this.#joins.keys()].indexOf(key)
    if (existing !== -1) return `j${existing}`
    const alias = `j${this.#joins.size}`
    this.#joins.set(key, make(alias))
    return alias
  }

  get joins (): RawBuilder<unknown> {
    return sql.join([...this.#joins.values()], sql` `)
  }
}

/** Events no later event supersedes. */
const LIVE_EVENTS = sql`(select e.* from person_events e where not exists (select 1 from person_events s where s.supersedes_id = e.id))`

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

/** Counts over the person's children as of the date, grouped once for everyone. */
function children (q: FactQuery, column: string): RawBuilder<unknown> {
  const alias = q.join('children', (as) => sql`left join (
      select k.parent_id,
             count(*)::int as children,
             count(*) filter (where k.sex = 'male')::int as sons,
             count(*) filter (where k.sex = 'female')::int as daughters,
             count(*) filter (where k.adopted)::int as adopted,
             count(*) filter (where k.death_date is null or k.death_date > ${q.date})::int as living,
             count(*) filter (where (k.death_date is null or k.death_date > ${q.date}) and k.sex = 'male')::int as living_sons,
             count(*) filter (where (k.death_date is null or k.death_date > ${q.date}) and k.sex = 'female')::int as living_daughters,
             max(coalesce(k.disability_grade, 0))::int as disability_grade,
             bool_or(k.disability_certificate is not null) as disability_certified
        from (select mother_id as parent_id, sex, death_date, adopted, disability_grade, disability_certificate
                from persons where mother_id is not null and birth_date <= ${q.date}
              union all
              select father_id, sex, death_date, adopted, disability_grade, disability_certificate
                from persons where father_id is not null and birth_date <= ${q.date}) k
       group by k.parent_id) ${sql.raw(as)} on ${sql.raw(as)}.parent_id = p.id`)
  return sql.raw(`${alias}.${column}`)
}

const childCount = (q: FactQuery, column: string) => sql`coalesce(${children(q, column)}, 0)`

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

/** Children of the person's mother or father, the person included. */
function siblings (q: FactQuery, column: string): RawBuilder<unknown> {
  const alias = q.join('siblings', (as) => sql`left join lateral (
      select count(*)::int as children,
             count(*) filter (where s.sex = 'male')::int as sons,
             count(*) filter (where s.sex = 'female')::int as daughters
        from persons s
       where s.birth_date <= ${q.date}
         and ((p.mother_id is not null and s.mother_id = p.mother_id) or (p.father_id is not null and s.father_id = p.father_id))
    ) ${sql.raw(as)} on true`)
  return sql.raw(`${alias}.${column}`)
}

function parentsCertificate (q: FactQuery): string {
  return q.join('parentsCertificate', (as) => sql`left join lateral (
      select min(e.date) as value from ${LIVE_EVENTS} e
       where e.type = 'only_child_certificate' and e.date <= ${q.date} and e.person_id in (p.mother_id, p.father_id)
    ) ${sql.raw(as)} on true`)
}

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
  alive: (q) => sql`(p.death_date is null or p.death_date > ${q.date})`,
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
  onlyChildDisabilityGrade: (q) => sql`(case when ${children(q, 'children')} = 1 then ${children(q, 'disability_grade')} else 0 end)`,
  onlyChildDisabilityCertified: (q) => sql`coalesce(${children(q, 'children')} = 1 and ${children(q, 'disability_certified')}, false)`,
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
  onlyChildCertificate: (q) => sql`(${sql.raw(coupleEvents(q, 'certificate', 'only_child_certificate', sql`min(e.date)`))}.value is not null)`,
  onlyChildCertificateDate: (q) => sql.raw(`${coupleEvents(q, 'certificate', 'only_child_certificate', sql`min(e.date)`)}.value`),
  parentsChildren: (q) => sql`coalesce(${siblings(q, 'children')}, 0)`,
  parentsSons: (q) => sql`coalesce(${siblings(q, 'sons')}, 0)`,
  parentsDaughters: (q) => sql`coalesce(${siblings(q, 'daughters')}, 0)`,
  parentsOnlyChildCertificate: (q) => sql`(${sql.raw(parentsCertificate(q))}.value is not null)`,
  parentsOnlyChildCertificateDate: (q) => sql.raw(`${parentsCertificate(q)}.value`),
  examTierInYear: (q) => {
    const alias = q.join('examTier', (as) => sql`left join (
        select e.person_id, min((e.details->>'tier')::int) as value from ${LIVE_EVENTS} e
         where e.type = 'exam_result' and e.date between ${`${q.year}-01-01`}::date and ${q.date} and (e.details->>'tier')::int >= 1
         group by e.person_id) ${sql.raw(as)} on ${sql.raw(as)}.person_id = p.id`)
    return sql`coalesce(${sql.raw(alias)}.value, 0)`
  },
}
