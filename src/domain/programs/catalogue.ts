import type { RuleNode } from '../eligibility/rule-tree.js'
import type { RuleVersionCreate } from './schemas.js'

/**
 * The default catalogue (DESIGN §1). Each programme lists the revisions of its rules
 * the catalogue has shipped, oldest first: a new database is seeded with the last one
 * as version 1, active; a database seeded with an earlier one gets the last as a new
 * version on its next start (seedCatalogue). Every number here is a setting: an
 * administrator changes it by publishing a new rule version, not by changing this file;
 * a revision is added here only to correct what the catalogue itself shipped.
 */

const is = (id: string, label: string, fact: string, op: string, value: unknown, params?: Record<string, unknown>): RuleNode =>
  ({ id, label, fact, op, value, ...(params ? { params } : {}) })

const rural = is('rural', 'the household holds agricultural or rural-resident hukou', 'rural', '=', true)
const bornFrom1933 = is('born', 'born on or after 1933-01-01', 'birthDate', '>=', '1933-01-01')
const livingAtYearStart = is('alive', 'living at the start of the year', 'aliveAtYearStart', '=', true)

/** Village notice after investigation, township notice after review, district notice after confirmation: 7 days each. */
const standardWorkflow: RuleVersionCreate['workflow'] = {
  steps: [
    { step: 'registration', role: 'registrar', regionLevel: 'village', noticeDays: 0 },
    { step: 'investigation', role: 'investigator', regionLevel: 'village', noticeDays: 7 },
    { step: 'review', role: 'reviewer', regionLevel: 'township', noticeDays: 7 },
    { step: 'confirmation', role: 'confirmer', regionLevel: 'district', noticeDays: 7 },
  ],
}

const shares = (from: string, entries: Record<string, number>): RuleVersionCreate['funding'][number] =>
  ({ from, shares: Object.entries(entries).map(([source, percent]) => ({ source: source as never, percent })) })

export interface CatalogueProgram {
  code: string
  name: string
  title: string
  subject: 'person' | 'child' | 'household'
  /** The rule versions the catalogue has shipped, oldest first; never edited once shipped. */
  revisions: readonly RuleVersionCreate[]
}

/** A revision: the one before with some settings changed. */
const revise = (previous: RuleVersionCreate, changes: Partial<RuleVersionCreate>): RuleVersionCreate => ({ ...previous, ...changes })

// The first revisions of the programmes corrected since, as a database may hold them.

const ruralReward: RuleVersionCreate = {
  effectiveFrom: '2004-01-01',
  rules: {
    all: [
      rural,
      bornFrom1933,
      is('age', 'aged 60 or over in the payment year', 'ageAtYearEnd', '>=', 60),
      livingAtYearStart,
      is('policy', 'neither the person nor the spouse had a birth against policy from 1973-01-01 to 2001-12-31',
        'coupleOutOfPolicyBirths', '=', 0, { from: '1973-01-01', to: '2001-12-31' }),
      {
        id: 'children',
        any: [
          is('oneChild', 'exactly one living child', 'livingChildren', '=', 1),
          { all: [is('twoChildren', 'two living children', 'livingChildren', '=', 2), is('twoDaughters', 'both living children are daughters', 'livingDaughters', '=', 2)] },
          { all: [is('noLivingChild', 'no living child', 'livingChildren', '=', 0), is('hadChildren', 'had children, who have died', 'children', '>=', 1)] },
        ],
      },
    ],
  },
  amounts: {
    per: 'year',
    schedule: [
      { from: '2004-01-01', tiers: [{ amount: '600.00' }] },
      { from: '2009-01-01', tiers: [{ amount: '720.00' }] },
      { from: '2012-01-01', tiers: [{ amount: '960.00' }] },
    ],
  },
  funding: [shares('2004-01-01', { central: 50, provincial: 30, district: 20 })],
  payment: { frequency: 'yearly' },
  workflow: standardWorkflow,
  note: 'Paid from the year the person turns 60 until death (the year of death included). Not combinable with SPECIAL_ASSISTANCE.',
}

/**
 * RURAL_REWARD with the children's alternatives named and worded: the answer's
 * explanation shows which one held, and "had children" says what it counts.
 */
const ruralRewardWorded = revise(ruralReward, {
  rules: {
    all: [
      ...(ruralReward.rules.all ?? []).slice(0, -1),
      {
        id: 'children',
        label: 'one living child, or two living daughters, or no living child left (the children have died)',
        any: [
          is('oneChild', 'exactly one living child', 'livingChildren', '=', 1),
          {
            id: 'twoDaughtersLiving',
            label: 'two living children, both daughters',
            all: [is('twoChildren', 'two living children', 'livingChildren', '=', 2), is('twoDaughters', 'two living daughters', 'livingDaughters', '=', 2)],
          },
          {
            id: 'childrenDied',
            label: 'no living child left: the children have died',
            all: [is('noLivingChild', 'no living child', 'livingChildren', '=', 0), is('hadChildren', 'had at least one child, born or adopted', 'children', '>=', 1)],
          },
        ],
      },
    ],
  },
})


const onlyChildHealthFee: RuleVersionCreate = {
  effectiveFrom: '1982-01-01',
  rules: {
    all: [
      is('onlyChild', 'the only child of the parents', 'parentsChildren', '=', 1),
      is('certificate', 'the parents hold an only-child parents\' certificate', 'parentsOnlyChildCertificate', '=', true),
      is('underAge', 'under 14 for at least one month of the year', 'monthsUnderAgeInYear', '>=', 1, { age: 14 }),
    ],
  },
  amounts: {
    per: 'month',
    schedule: [{ from: '1982-01-01', tiers: [{ amount: '10.00' }] }],
    months: { from: 'parentsOnlyChildCertificateDate', untilAge: 14 },
  },
  funding: [shares('1982-01-01', { township: 50, district: 50 })],
  payment: { frequency: 'yearly' },
  workflow: standardWorkflow,
  note: 'Per only child, paid to the parents, from the month the certificate is issued to the month before the child turns 14. For rural, unemployed or self-employed parents the township pays; the district funds half of it.',
}

const girlsCollegeAward: RuleVersionCreate = {
  effectiveFrom: '2005-01-01',
  rules: {
    all: [
      is('girl', 'a girl', 'sex', '=', 'female'),
      is('hasParents', 'her parents are on record', 'parentsChildren', '>=', 1),
      is('daughtersOnly', 'her parents have no son', 'parentsSons', '=', 0),
      is('passed', 'passed the provincial college-entrance line this year', 'examTierInYear', 'in', [1, 2, 3]),
    ],
  },
  amounts: {
    per: 'once',
    schedule: [{
      from: '2005-01-01',
      tiers: [
        { when: is('firstTier', 'first tier', 'examTierInYear', '=', 1), amount: '3000.00' },
        { when: is('secondTier', 'second tier', 'examTierInYear', '=', 2), amount: '2000.00' },
        { amount: '1500.00' },
      ],
    }],
  },
  funding: [shares('2005-01-01', { district: 100 })],
  payment: { frequency: 'once' },
  workflow: standardWorkflow,
  note: 'The district sets aside 500,000.00 a year (a fund allocation).',
}

const girlsPriority: RuleVersionCreate = {
  effectiveFrom: '2005-01-01',
  rules: {
    any: [
      is('onlyChildParent', 'a parent holding an only-child parents\' certificate', 'onlyChildCertificate', '=', true),
      is('onlyChild', 'the child of parents holding an only-child parents\' certificate', 'parentsOnlyChildCertificate', '=', true),
      {
        id: 'daughtersOnlyParent',
        all: [
          is('ruralParent', 'a rural household', 'rural', '=', true),
          is('hasDaughters', 'has daughters', 'daughters', 'in', [1, 2]),
          is('noSon', 'and no son', 'sons', '=', 0),
        ],
      },
      {
        id: 'daughterOfDaughtersOnly',
        all: [
          is('ruralDaughter', 'a rural household', 'rural', '=', true),
          is('parentsDaughters', 'her parents have one or two daughters', 'parentsDaughters', 'in', [1, 2]),
          is('parentsNoSon', 'and no son', 'parentsSons', '=', 0),
        ],
      },
    ],
  },
  amounts: { per: 'none', schedule: [] },
  funding: [],
  payment: { frequency: 'none' },
  workflow: standardWorkflow,
  note: 'Non-cash: partner departments verify it by ID number (improved seed varieties, job referral, relief and minimum living allowance, high-school admission +5 points, primary health insurance, business licences, housing permits, aid for poor students, legal aid, poverty relief).',
}

// Their corrections: facts read as of the date, and the households of DESIGN §3 —
// an only-child household (exactly one child, born or adopted, and the certificate), a
// daughters-only household (one or two children, all daughters), a family-planning
// household (no birth against policy on the couple) — each one fact, used by each
// programme that names it.

const onlyChildHealthFeeCorrected = revise(onlyChildHealthFee, {
  rules: {
    all: [
      is('onlyChild', 'the only child of an only-child household: the parents\' one child (born or adopted), and their only-child parents\' certificate',
        'parentsOnlyChildHousehold', '=', true),
      is('underAge', 'under 14 for at least one month of the year', 'monthsUnderAgeInYear', '>=', 1, { age: 14 }),
    ],
  },
  note: 'Per only child, paid to the parents, from the month the certificate is issued to the month before the child turns 14 (and no later than the month of the child\'s death). For rural, unemployed or self-employed parents the township pays; the district funds half of it.',
})

const girlsCollegeAwardCorrected = revise(girlsCollegeAward, {
  rules: {
    all: [
      is('girl', 'a girl', 'sex', '=', 'female'),
      is('daughtersOnly', 'a daughters-only household: her parents have one or two children, all daughters', 'parentsDaughtersOnlyHousehold', '=', true),
      is('familyPlanning', 'a family-planning household: no birth against policy recorded on her parents', 'parentsFamilyPlanningHousehold', '=', true),
      is('passed', 'passed the provincial college-entrance line this year', 'examTierInYear', 'in', [1, 2, 3]),
    ],
  },
})

const girlsPriorityCorrected = revise(girlsPriority, {
  rules: {
    id: 'household',
    label: 'an only-child household, or a rural daughters-only household, that practises family planning (as a parent or as its child)',
    any: [
      {
        id: 'onlyChildParent',
        all: [
          is('onlyChildHousehold', 'an only-child household: exactly one child (born or adopted) and the only-child parents\' certificate', 'onlyChildHousehold', '=', true),
          is('familyPlanning', 'no birth against policy recorded on the couple', 'familyPlanningHousehold', '=', true),
        ],
      },
      {
        id: 'onlyChild',
        all: [
          is('parentsOnlyChildHousehold', 'the only child of an only-child household', 'parentsOnlyChildHousehold', '=', true),
          is('parentsFamilyPlanning', 'no birth against policy recorded on the parents', 'parentsFamilyPlanningHousehold', '=', true),
        ],
      },
      {
        id: 'daughtersOnlyParent',
        all: [
          is('ruralParent', 'a rural household', 'rural', '=', true),
          is('daughtersOnlyHousehold', 'a daughters-only household: one or two children, all daughters', 'daughtersOnlyHousehold', '=', true),
          is('daughtersFamilyPlanning', 'no birth against policy recorded on the couple', 'familyPlanningHousehold', '=', true),
        ],
      },
      {
        id: 'daughterOfDaughtersOnly',
        all: [
          is('ruralDaughter', 'a rural household', 'rural', '=', true),
          is('parentsDaughtersOnly', 'a daughter of a daughters-only household', 'parentsDaughtersOnlyHousehold', '=', true),
          is('parentsDaughtersFamilyPlanning', 'no birth against policy recorded on the parents', 'parentsFamilyPlanningHousehold', '=', true),
        ],
      },
    ],
  },
})

export const CATALOGUE: readonly CatalogueProgram[] = [
  {
    code: 'RURAL_REWARD',
    name: '农村部分计划生育家庭奖励扶助',
    title: 'Rural family-planning household reward and assistance',
    subject: 'person',
    revisions: [ruralReward, ruralRewardWorded],
  },
  {
    code: 'SPECIAL_ASSISTANCE',
    name: '计划生育家庭特别扶助',
    title: 'Special assistance to family-planning households',
    subject: 'person',
    revisions: [{
      effectiveFrom: '2007-01-01',
      rules: {
        all: [
          bornFrom1933,
          is('womanAge', 'the woman of the couple (or the single parent) is 49 or over in the year', 'womanAgeAtYearEnd', '>=', 49),
          livingAtYearStart,
          is('oneChild', 'had exactly one child, born or adopted, and none since', 'children', '=', 1),
          {
            id: 'cause',
            any: [
              is('childDied', 'the child has died', 'deceasedChildren', '=', 1),
              {
                all: [
                  is('childDisabled', 'the child is disabled at grade 1–3', 'onlyChildDisabilityGrade', 'in', [1, 2, 3]),
                  is('childCertified', 'the child holds a disability certificate', 'onlyChildDisabilityCertified', '=', true),
                ],
              },
            ],
          },
        ],
      },
      amounts: {
        per: 'month',
        schedule: [
          { from: '2007-01-01', tiers: [{ when: is('died', 'the child has died', 'deceasedChildren', '>=', 1), amount: '100.00' }, { amount: '80.00' }] },
          { from: '2012-01-01', tiers: [{ when: is('died', 'the child has died', 'deceasedChildren', '>=', 1), amount: '135.00' }, { amount: '110.00' }] },
          {
            from: '2014-01-01',
            tiers: [
              { when: { all: [is('died', 'the child has died', 'deceasedChildren', '>=', 1), is('urban', 'urban hukou', 'rural', '=', false)] }, amount: '340.00' },
              { when: is('urban', 'urban hukou', 'rural', '=', false), amount: '270.00' },
              { when: is('died', 'the child has died', 'deceasedChildren', '>=', 1), amount: '170.00' },
              { amount: '150.00' },
            ],
          },
        ],
      },
      funding: [shares('2007-01-01', { central: 50, provincial: 30, district: 20 })],
      payment: { frequency: 'yearly' },
      workflow: standardWorkflow,
      note: 'Per parent. Starts the year the woman turns 49 (or the year of confirmation, if later); ends at death, the child\'s recovery, or a new child.',
    }],
  },
  {
    code: 'ONLY_CHILD_HEALTH_FEE',
    name: '独生子女保健费',
    title: 'Only-child health fee',
    subject: 'child',
    revisions: [onlyChildHealthFee, onlyChildHealthFeeCorrected],
  },
  {
    code: 'FREE_SERVICES',
    name: '免费计划生育技术服务',
    title: 'Free basic family-planning services',
    subject: 'person',
    revisions: [{
      effectiveFrom: '2005-01-01',
      rules: { all: [rural] },
      amounts: {
        per: 'claim',
        schedule: [{
          from: '2005-01-01',
          tiers: [
            { service: 'iud_insertion', amount: '60.00' },
            { service: 'iud_removal', amount: '40.00' },
            { service: 'sterilisation', amount: '600.00' },
            { service: 'termination', amount: '300.00' },
            { service: 'complication_treatment', amount: '1000.00' },
            { service: 'reversal', amount: '1500.00' },
          ],
        }],
      },
      funding: [shares('2005-01-01', { district: 100 })],
      payment: { frequency: 'per_claim' },
      workflow: standardWorkflow,
      note: 'One claim per service event, reimbursed at the price list in force on the service date. The prices are the district\'s to set.',
    }],
  },
  {
    code: 'GIRLS_TWO_DAUGHTER_STERILISATION',
    name: '关爱女孩·双女户结扎奖励',
    title: 'Care for girls: reward to two-daughter households after sterilisation',
    subject: 'household',
    revisions: [{
      effectiveFrom: '2005-01-01',
      rules: {
        all: [
          rural,
          is('head', 'the household is rewarded once, through its head', 'relationship', '=', 'head'),
          is('twoChildren', 'exactly two children', 'children', '=', 2),
          is('twoDaughters', 'both are daughters (no son)', 'daughters', '=', 2),
          is('sterilised', 'the person or the spouse has been sterilised', 'coupleSterilised', '=', true),
        ],
      },
      amounts: {
        per: 'once',
        schedule: [{
          from: '2005-01-01',
          tiers: [
            { when: is('withinOneYear', 'sterilised within the last year', 'yearsSinceCoupleSterilisation', '<', 1), amount: '3000.00' },
            { when: is('withinThreeYears', 'sterilised within the last three years', 'yearsSinceCoupleSterilisation', '<', 3), amount: '2000.00' },
            { amount: '1000.00' },
          ],
        }],
      },
      funding: [shares('2005-01-01', { district: 100 })],
      payment: { frequency: 'once' },
      workflow: standardWorkflow,
      note: 'One-time reward; the tier is by the years since the sterilisation.',
    }],
  },
  {
    code: 'GIRLS_COLLEGE_AWARD',
    name: '关爱女孩·女孩升学奖励',
    title: 'Care for girls: college-entrance award',
    subject: 'person',
    revisions: [girlsCollegeAward, girlsCollegeAwardCorrected],
  },
  {
    code: 'GIRLS_PRIORITY',
    name: '关爱女孩·十优先',
    title: 'Care for girls: the ten priorities and +5 high-school entrance points',
    subject: 'person',
    revisions: [girlsPriority, girlsPriorityCorrected],
  },
]
