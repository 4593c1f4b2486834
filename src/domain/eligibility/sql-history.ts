import { sql, type RawBuilder } from 'kysely'

/**
 * The dated history as DESIGN §3 reads it, in SQL: the same rules as history.ts, as
 * derived tables computed once for everyone (grouped scans, no query per person).
 */

/** Events no later event supersedes. */
export const LIVE_EVENTS = sql`(select e.* from person_events e where not exists (select 1 from person_events s where s.supersedes_id = e.id))`

/** Living on a date (a SQL date expression): born on or before it, and no death on or before it. */
export function livingOn (person: string, date: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${sql.raw(person)}.birth_date <= ${date} and (${sql.raw(person)}.death_date is null or ${sql.raw(person)}.death_date > ${date}))`
}

/**
 * Each adopted child's adoption date: the earliest `adoption` event naming the child on
 * its recorded mother or father, or recorded on the child itself (marked adopted)
 * without a childId. The same rule as adoptionDate in history.ts.
 */
export const ADOPTIONS = sql`(
  select a.child_id, min(a.date) as adopted_on
    from (select c.id as child_id, e.date
            from ${LIVE_EVENTS} e join persons c on c.id = (e.details->>'childId')::uuid and e.person_id in (c.mother_id, c.father_id)
           where e.type = 'adoption'
          union all
          select c.id, e.date
            from ${LIVE_EVENTS} e join persons c on c.id = e.person_id
           where e.type = 'adoption' and c.adopted and e.details->>'childId' is null) a
   group by a.child_id)`

/**
 * Each assessed person's disability on a date: the latest-dated assessment on or before
 * it (on one date, the most severe grade, then one with a certificate); a row with a
 * null grade for a person assessed only later. The same rule as disabilityOn.
 */
function assessments (date: RawBuilder<unknown>): RawBuilder<unknown> {
  const order = sql`order by e.date desc, (e.details->>'grade')::int, (e.details->>'certificate') is null`
  return sql`(
    select e.person_id,
           (array_agg((e.details->>'grade')::int ${order}) filter (where e.date <= ${date}))[1] as grade,
           (array_agg((e.details->>'certificate') is not null ${order}) filter (where e.date <= ${date}))[1] as certified
      from ${LIVE_EVENTS} e
     where e.type = 'disability_assessment'
     group by e.person_id)`
}

export interface ChildColumns {
  /** Carry each child's disability on the date (grade, certified). */
  disability?: boolean
}

/**
 * The persons who count as someone's child on a date, one row each: everyone who names
 * a mother or father, from their birth, or from their adoption when adopted. Columns:
 * id, mother_id, father_id, sex, adopted, living (no death on or before the date), and
 * with `disability` grade and certified on the date.
 */
export function childrenOn (date: RawBuilder<unknown>, columns: ChildColumns = {}): RawBuilder<unknown> {
  const disability = columns.disability
    ? sql`, case when d.person_id is null then coalesce(c.disability_grade, 0) else coalesce(d.grade, 0) end as grade,
            case when d.person_id is null then c.disability_certificate is not null else coalesce(d.certified, false) end as certified`
    : sql``
  return sql`(
    select c.id, c.mother_id, c.father_id, c.sex, c.adopted or a.adopted_on is not null as adopted,
           (c.death_date is null or c.death_date > ${date}) as living ${disability}
      from persons c
      left join ${ADOPTIONS} a on a.child_id = c.id
      ${columns.disability ? sql`left join ${assessments(date)} d on d.person_id = c.id` : sql``}
     where (c.mother_id is not null or c.father_id is not null)
       and c.birth_date <= ${date} and (a.adopted_on is null or a.adopted_on <= ${date}))`
}

/**
 * The person counts as their parents' child on the date: born, and if adopted, adopted
 * by then. Before that the person has no parents as of the date.
 */
export function countsAsChild (adoption: string, date: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(p.birth_date <= ${date} and (${sql.raw(adoption)}.adopted_on is null or ${sql.raw(adoption)}.adopted_on <= ${date}))`
}
