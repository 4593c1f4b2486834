/**
 * The fact vocabulary: the closed set of named facts about a person, as of a date,
 * that rules may test. Each fact is computed twice — in TypeScript for one person
 * (person-facts.ts) and in SQL for many (sql-facts.ts) — and the two must agree.
 * docs/eligibility.md is this table in prose.
 */

export type FactType = 'number' | 'boolean' | 'date' | 'enum'

export interface FactDefinition {
  type: FactType
  /** The values an enum fact takes. */
  values?: readonly string[]
  /** Parameters the fact needs, by name: a date range or an age. */
  params?: Readonly<Record<string, 'date' | 'integer'>>
  /** True when the fact has no value for some people (no sterilisation, no certificate …). */
  nullable?: boolean
  description: string
}

export const HUKOU_TYPES = ['agricultural', 'rural_resident', 'non_agricultural'] as const
export const RELATIONSHIPS = ['head', 'spouse', 'child', 'parent', 'other'] as const

export const FACTS = {
  age: { type: 'number', description: 'Whole years of age on the as-of date.' },
  ageAtYearStart: { type: 'number', description: 'Whole years of age on 1 January of the as-of year.' },
  ageAtYearEnd: { type: 'number', description: 'Whole years of age on 31 December of the as-of year (the age "in the payment year").' },
  birthDate: { type: 'date', description: 'The date of birth.' },
  sex: { type: 'enum', values: ['male', 'female'], description: 'The sex.' },
  relationship: { type: 'enum', values: RELATIONSHIPS, description: 'Relationship to the head of the household the person lives in.' },
  hukouType: { type: 'enum', values: HUKOU_TYPES, description: 'The hukou type of the person\'s household (a couple shares one household).' },
  rural: { type: 'boolean', description: 'The household holds agricultural or rural-resident hukou.' },
  alive: { type: 'boolean', description: 'Living on the as-of date: born on or before it, and no death recorded on or before it.' },
  livingInYear: { type: 'boolean', description: 'Living during the as-of year up to the as-of date: born on or before the as-of date, and no death recorded before 1 January of its year (a yearly or monthly benefit is owed for the year of death).' },
  aliveAtYearStart: { type: 'boolean', description: 'No death is recorded before 1 January of the as-of year (a yearly benefit is paid for the year of death).' },
  monthsUnderAgeInYear: {
    type: 'number', params: { age: 'integer' },
    description: 'Months of the as-of year before the month in which the person reaches the given age (0–12).',
  },
  children: { type: 'number', description: 'Children the person has on the as-of date, living or not: the persons who name this person as mother or father, each counted from their birth, or, for an adopted child, from the date of the adoption.' },
  sons: { type: 'number', description: 'Of children, the sons.' },
  daughters: { type: 'number', description: 'Of children, the daughters.' },
  adoptedChildren: { type: 'number', description: 'Of children, the adopted ones (marked adopted, or with an adoption on record).' },
  livingChildren: { type: 'number', description: 'Of children, those with no death recorded on or before the as-of date.' },
  livingSons: { type: 'number', description: 'Of living children, the sons.' },
  livingDaughters: { type: 'number', description: 'Of living children, the daughters.' },
  deceasedChildren: { type: 'number', description: 'Of children, those who died on or before the as-of date.' },
  onlyChildDisabilityGrade: { type: 'number', description: 'When the person has exactly one child: that child\'s disability grade on the as-of date (1 most severe … 4), as the latest-dated assessment on or before it records it; 0 when not disabled on that date, or not exactly one child.' },
  onlyChildDisabilityCertified: { type: 'boolean', description: 'When the person has exactly one child: the assessment in force on the as-of date records a disability certificate.' },
  womanAgeAtYearEnd: { type: 'number', description: 'Age on 31 December of the as-of year of the woman of the couple: the person if female, else the oldest female spouse; for a man with no wife, his own age.' },
  coupleOutOfPolicyBirths: {
    type: 'number', params: { from: 'date', to: 'date' },
    description: 'Births against policy recorded on the person or a spouse, dated from `from` to `to` inclusive (and not after the as-of date).',
  },
  coupleSterilised: { type: 'boolean', description: 'A sterilisation is recorded on the person or a spouse on or before the as-of date.' },
  yearsSinceCoupleSterilisation: { type: 'number', nullable: true, description: 'Whole years from the earliest such sterilisation to the as-of date; none when there is none.' },
  onlyChildCertificate: { type: 'boolean', description: 'An only-child parents\' certificate is recorded on the person or a spouse, issued on or before the as-of date.' },
  onlyChildCertificateDate: { type: 'date', nullable: true, description: 'The issue date of the earliest such certificate; none when there is none.' },
  familyPlanningHousehold: { type: 'boolean', description: 'A family-planning household: no birth against policy recorded on the person or a spouse, dated on or before the as-of date.' },
  daughtersOnlyHousehold: { type: 'boolean', description: 'A daughters-only household: the person has one or two children on the as-of date, all daughters.' },
  onlyChildHousehold: { type: 'boolean', description: 'An only-child household: the person has exactly one child (born or adopted) on the as-of date, and an only-child parents\' certificate issued to the person or a spouse on or before it.' },
  parentsChildren: { type: 'number', description: 'Children the person\'s recorded mother or father have on the as-of date (the person included), counted as for children; 0 when no parent is recorded.' },
  parentsSons: { type: 'number', description: 'Of parentsChildren, the sons.' },
  parentsDaughters: { type: 'number', description: 'Of parentsChildren, the daughters.' },
  parentsOnlyChildCertificate: { type: 'boolean', description: 'An only-child parents\' certificate is recorded on the person\'s mother or father, issued on or before the as-of date.' },
  parentsOnlyChildCertificateDate: { type: 'date', nullable: true, description: 'The issue date of the parents\' earliest such certificate; none when there is none.' },
  parentsFamilyPlanningHousehold: { type: 'boolean', description: 'The person\'s parents form a family-planning household: no birth against policy recorded on the mother or the father, dated on or before the as-of date.' },
  parentsDaughtersOnlyHousehold: { type: 'boolean', description: 'The person\'s parents form a daughters-only household: parentsChildren is one or two, all daughters.' },
  parentsOnlyChildHousehold: { type: 'boolean', description: 'The person\'s parents form an only-child household: parentsChildren is exactly one (the person), and the parents hold an only-child parents\' certificate issued on or before the as-of date.' },
  examTierInYear: { type: 'number', description: 'The best tier (1 highest … 3) of the exam results recorded on the person dated in the as-of year; 0 when none passed a line.' },
} as const satisfies Record<string, FactDefinition>

export type FactName = keyof typeof FACTS

export function isFactName (name: string): name is FactName {
  return Object.hasOwn(FACTS, name)
}

/** A fact's value: numbers are whole, dates are YYYY-MM-DD, null only for nullable facts. */
export type FactValue = number | boolean | string | null

/** The comparison operators a rule may use, and the types each applies to. */
export const OPERATORS = {
  '=': ['number', 'boolean', 'date', 'enum'],
  '!=': ['number', 'boolean', 'date', 'enum'],
  '<': ['number', 'date'],
  '<=': ['number', 'date'],
  '>': ['number', 'date'],
  '>=': ['number', 'date'],
  in: ['number', 'enum'],
  notIn: ['number', 'enum'],
} as const satisfies Record<string, readonly FactType[]>

export type Operator = keyof typeof OPERATORS

export function isOperator (op: string): op is Operator {
  return Object.hasOwn(OPERATORS, op)
}
