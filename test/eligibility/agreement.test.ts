import fc from 'fast-check'
import { sql } from 'kysely'
import t from 'tap'
import { amountFor, entryOn, type AmountSettings } from '../../src/domain/eligibility/amounts.js'
import { claimsOf, perClaim, type Claim } from '../../src/domain/eligibility/claims.js'
import { compileSelection } from '../../src/domain/eligibility/compile.js'
import { decide } from '../../src/domain/eligibility/decision.js'
import { evaluateTree } from '../../src/domain/eligibility/evaluate.js'
import { FACTS, type FactName, type FactValue } from '../../src/domain/eligibility/facts.js'
import { loadFactSources, PersonFacts, type FactSources } from '../../src/domain/eligibility/person-facts.js'
import { checkRuleTree, type RuleNode } from '../../src/domain/eligibility/rule-tree.js'
import { compileDecision } from '../../src/domain/eligibility/sql-decision.js'
import { SQL_FACTS } from '../../src/domain/eligibility/sql-facts.js'
import { CATALOGUE } from '../../src/domain/programs/catalogue.js'
import { ruleSetFor } from '../../src/domain/programs/service.js'
import type { RuleSet } from '../../src/domain/programs/versions.js'
import { toFen } from '../../src/domain/money.js'
import { buildApp } from '../helper.js'
import { amountSettings, asOfDates, population, ruleTree } from './arbitraries.js'
import { householdsOf } from './households.js'
import { asItWasOn, insertPopulation, resolve, type Inserted, type Key, type Population } from './population.js'

/**
 * The two evaluators must agree (DESIGN §3), and both must read the dated history as
 * DESIGN §3 says. For generated populations whose histories are written out of order,
 * and for generated rule versions and the seeded catalogue's, every person (every claim,
 * for a programme decided per claim) on every date is decided by the TypeScript
 * evaluator and by the compiled SQL, and:
 *
 * - agreement: the same facts, the same decision, failing criterion and amount from both;
 * - entry order: the same facts and answers when the events were entered in the
 *   reverse order;
 * - as of the date: the same facts and answers as from a registry holding only what was
 *   true on the date (births, adoptions, deaths, assessments, certificates … dated by
 *   then, corrections applied);
 * - life: nobody qualifies outside their own life;
 * - owed: no decision of a programme that pays qualifies with nothing owed, a claim is
 *   priced by the price list in force on its service date, and a monthly amount is the
 *   sum, month by month, of the months the person lives in;
 * - households: the catalogue's GIRLS_PRIORITY, GIRLS_COLLEGE_AWARD and
 *   ONLY_CHILD_HEALTH_FEE answer as DESIGN §3's households, worked out apart.
 *
 * Fixed seed, so CI runs the same cases.
 */
// A property test of a fixed size: a minute or two alone, more on a busy machine; the
// runner's five minutes a file are for ordinary tests.
t.setTimeout(900_000)

const SEED = Number(process.env.AGREEMENT_SEED ?? 20261130)
const RUNS = Number(process.env.AGREEMENT_RUNS ?? 40)
const TREES_PER_RUN = 6
const DATES_PER_RUN = 3

const { app } = await buildApp(t)
const db = app.db
const TOWNSHIP = '420102.001'
await db.insertInto('regions').values({ code: TOWNSHIP, name: '镇', level: 'township', parent_code: '420102' }).execute()
const catalogue = await Promise.all(CATALOGUE.map((program) => ruleSetFor(db, program.code)))

let villages = 0
async function village (): Promise<string> {
  const code = `${TOWNSHIP}.${String(++villages).padStart(3, '0')}`
  await db.insertInto('regions').values({ code, name: `村${villages}`, level: 'village', parent_code: TOWNSHIP }).execute()
  return code
}

/** A world: a population written into a village, with each person's sources for the TypeScript evaluator. */
interface World { village: string, inserted: Inserted, sources: Map<Key, FactSources>, eventNames: Map<string, string> }

async function world (people: Population, order: 'as entered' | 'reversed' = 'as entered'): Promise<World> {
  const code = await village()
  const inserted = await insertPopulation(db, code, people, order)
  const sources = new Map<Key, FactSources>()
  for (const [key, id] of inserted.persons) sources.set(key, (await loadFactSources(db, id, code))!)
  return { village: code, inserted, sources, eventNames: new Map([...inserted.events].map(([name, id]) => [id, name])) }
}

/** One answer: for a person, or for one claim (by the event's name, the same in every world). */
interface Answer { eligible: boolean, failedOn: string | null, amount: number | null, owed: number | null }
type Answers = Map<string, Answer>

const answerKey = (key: Key, claim?: string) => claim ? `${key} ${claim}` : key

/** The claims a decision per claim covers: the standing service events of the as-of year, up to the as-of date. */
const claimsOn = (sources: FactSources, asOf: string) => claimsOf(sources).filter((claim) => claim.date >= `${asOf.slice(0, 4)}-01-01` && claim.date <= asOf)

/** The TypeScript evaluator, for everyone in a world. */
function tsAnswers (ruleSet: RuleSet, here: World, asOf: string): Answers {
  const answers: Answers = new Map()
  for (const [key, sources] of here.sources) {
    const claims: Array<Claim | undefined> = perClaim(ruleSet) ? claimsOn(sources, asOf) : [undefined]
    for (const claim of claims) {
      const decided = decide(ruleSet, sources, asOf, claim)
      answers.set(answerKey(key, claim && here.eventNames.get(claim.id)), {
        eligible: decided.eligible,
        failedOn: decided.failedOn,
        amount: decided.amount === null ? null : toFen(decided.amount),
        owed: amountFor(ruleSet.amounts, new PersonFacts(sources, asOf), sources.person, claim),
      })
    }
  }
  return answers
}

/** The SQL evaluator: one statement over the world's village, every person (or claim) with their answer. */
async function sqlAnswers (ruleSet: RuleSet, here: World, asOf: string): Promise<Answers> {
  const statement = compileSelection({ regionCode: here.village, asOf }, (q) => {
    const decision = compileDecision(q, ruleSet)
    return { where: sql<boolean>`true`, columns: { eligible: decision.eligible, failed_on: decision.failedOn, owed: decision.amount } }
  }, { claims: perClaim(ruleSet) })
  const { rows } = await statement.execute(db) as unknown as { rows: Array<{ person_id: string, claim_id?: string, eligible: boolean, failed_on: string | null, owed: string | number | null }> }
  const keys = new Map([...here.inserted.persons].map(([key, id]) => [id, key]))
  return new Map(rows.map((row) => {
    const owed = row.owed === null ? null : Number(row.owed)
    return [answerKey(keys.get(row.person_id)!, row.claim_id && here.eventNames.get(row.claim_id)),
      { eligible: row.eligible, failedOn: row.failed_on, amount: row.eligible ? owed : null, owed }]
  }))
}

/** Every fact of the vocabulary, with parameters where it takes them. */
const FACT_PARAMS: Partial<Record<FactName, Record<string, string | number>>> = {
  monthsUnderAgeInYear: { age: 14 },
  coupleOutOfPolicyBirths: { from: '1973-01-01', to: '2001-12-31' },
}
const FACT_NAMES = Object.keys(FACTS) as FactName[]
type Facts = Map<string, Record<string, FactValue>>

/** Every fact of everyone in a world, by the TypeScript evaluator. */
function tsFacts (here: World, asOf: string): Facts {
  return new Map([...here.sources].map(([key, sources]) => {
    const facts = new PersonFacts(sources, asOf)
    return [key, Object.fromEntries(FACT_NAMES.map((name) => [name, facts.get(name, FACT_PARAMS[name])]))]
  }))
}

/** Every fact of everyone in a world, by the SQL evaluator: one statement, a column a fact. */
async function sqlFacts (here: World, asOf: string): Promise<Facts> {
  const statement = compileSelection({ regionCode: here.village, asOf }, (q) => ({
    where: sql<boolean>`true`,
    columns: Object.fromEntries(FACT_NAMES.map((name) => [name, SQL_FACTS[name](q, FACT_PARAMS[name] ?? {})])),
  }))
  const { rows } = await statement.execute(db) as unknown as { rows: Array<Record<string, FactValue> & { person_id: string }> }
  const keys = new Map([...here.inserted.persons].map(([key, id]) => [id, key]))
  return new Map(rows.map(({ person_id: id, ...facts }) => [keys.get(id)!, facts]))
}

function sameFacts (a: Facts, b: Facts, what: string, context: () => string): number {
  let compared = 0
  for (const [key, facts] of a) {
    for (const name of FACT_NAMES) {
      if (JSON.stringify(facts[name]) !== JSON.stringify(b.get(key)?.[name])) {
        throw new Error(`${what}: ${key} ${name}: ${JSON.stringify(facts[name])} vs ${JSON.stringify(b.get(key)?.[name])}\n${context()}`)
      }
      compared++
    }
  }
  return compared
}

function same (a: Answers, b: Answers, what: string, context: () => string): number {
  const keys = new Set([...a.keys(), ...b.keys()])
  for (const key of keys) {
    if (JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key))) {
      throw new Error(`${what}: ${key}: ${JSON.stringify(a.get(key))} vs ${JSON.stringify(b.get(key))}\n${context()}`)
    }
  }
  return keys.size
}

/**
 * A monthly amount worked out month by month: for each month of the year the person
 * lives in (as known on the as-of date) and inside the window, the first tier that holds
 * of the entry in force on the month's first day.
 */
function monthByMonth (settings: AmountSettings, sources: FactSources, asOf: string): number | null {
  const facts = new PersonFacts(sources, asOf)
  const year = Number(asOf.slice(0, 4))
  const { birthDate, deathDate } = sources.person
  const died = deathDate !== null && deathDate <= asOf ? deathDate : '9999-12-31'
  const from = settings.months?.from ? facts.get(settings.months.from) as string | null : '0000-01-01'
  const reaches = settings.months?.untilAge === undefined ? '9999-12-31' : `${Number(birthDate.slice(0, 4)) + settings.months.untilAge}${birthDate.slice(4, 7)}-01`
  let total = 0
  let any = false
  for (let month = 1; month <= 12; month++) {
    const first = `${year}-${String(month).padStart(2, '0')}-01`
    const last = `${year}-${String(month).padStart(2, '0')}-31`
    const entry = entryOn(settings.schedule, first)
    if (!entry) continue
    any = true
    const lived = birthDate <= last && died >= first
    const inWindow = from !== null && from <= last && first < reaches
    if (!lived || !inWindow) continue
    const tier = entry.tiers.find((each) => !each.when || evaluateTree(each.when, (leaf) => facts.get(leaf.fact, leaf.params)).passed)
    total += tier?.amountFen ?? 0
  }
  return any ? total : null
}

/** The months of a year a person lives in, as known on the as-of date. */
function monthsLived (sources: FactSources, year: number, asOf: string): number {
  const { birthDate, deathDate } = sources.person
  let months = 0
  for (let month = 1; month <= 12; month++) {
    const first = `${year}-${String(month).padStart(2, '0')}-01`
    const last = `${year}-${String(month).padStart(2, '0')}-31`
    const died = deathDate !== null && deathDate <= asOf ? deathDate : '9999-12-31'
    if (birthDate <= last && died >= first) months++
  }
  return months
}

/** What DESIGN §3 says of every decision, whatever the rules: life, something owed, the price of a claim. */
function checkDecisions (ruleSet: RuleSet, here: World, asOf: string, answers: Answers, context: () => string): void {
  const { per, schedule } = ruleSet.amounts
  const fail = (key: string, why: string) => { throw new Error(`${key} on ${asOf}: ${why}\n${context()}`) }
  for (const [key, sources] of here.sources) {
    const { birthDate, deathDate } = sources.person
    const claims = perClaim(ruleSet) ? claimsOn(sources, asOf) : [undefined]
    for (const claim of claims) {
      const answer = answers.get(answerKey(key, claim && here.eventNames.get(claim.id)))!
      if (per === 'month' && answer.owed !== monthByMonth(ruleSet.amounts, sources, asOf)) {
        fail(key, `${answer.owed} fen owed for the year, ${monthByMonth(ruleSet.amounts, sources, asOf)} month by month (${monthsLived(sources, Number(asOf.slice(0, 4)), asOf)} months lived)`)
      }
      if (!answer.eligible) continue
      const day = claim ? claim.date : asOf
      if (birthDate > day) fail(key, 'qualifies before birth')
      const diedBy = per === 'year' || per === 'month' ? deathDate !== null && deathDate < `${asOf.slice(0, 4)}-01-01` : deathDate !== null && deathDate <= day
      if (diedBy) fail(key, `qualifies after death on ${deathDate}`)
      if (per !== 'none' && !(answer.amount !== null && answer.amount > 0)) fail(key, `qualifies with ${answer.amount} owed`)
      if (per === 'claim') {
        const prices = (entryOn(schedule, claim!.date)?.tiers ?? []).filter((tier) => tier.service === claim!.service).map((tier) => tier.amountFen)
        if (!prices.includes(answer.amount!)) fail(key, `claim ${claim!.service} of ${claim!.date} priced ${answer.amount}, not on the list in force then (${prices})`)
      }
    }
  }
}

/** The catalogue's household programmes against DESIGN §3's households, worked out from the registry as it was on the date. */
function checkHouseholds (ruleSet: RuleSet, here: World, asOf: string, answers: Answers, people: Population, context: () => string): number {
  const households = householdsOf(asItWasOn(people, asOf))
  let checked = 0
  for (const [key, sources] of here.sources) {
    const facts = new PersonFacts(sources, asOf)
    const house = households(key)
    const answer = answers.get(key)!
    const alive = facts.get('alive') === true
    let expected: boolean | undefined
    switch (ruleSet.programCode) {
      case 'GIRLS_PRIORITY':
        expected = alive && ((house.onlyChildHousehold && house.familyPlanningHousehold)
          || (house.parentsOnlyChildHousehold && house.parentsFamilyPlanningHousehold)
          || (house.rural && house.daughtersOnlyHousehold && house.familyPlanningHousehold)
          || (house.rural && house.parentsDaughtersOnlyHousehold && house.parentsFamilyPlanningHousehold))
        break
      case 'GIRLS_COLLEGE_AWARD':
        expected = alive && sources.person.sex === 'female' && house.parentsDaughtersOnlyHousehold && house.parentsFamilyPlanningHousehold
          && [1, 2, 3].includes(facts.get('examTierInYear') as number) && entryOn(ruleSet.amounts.schedule, asOf) !== undefined
        break
      case 'ONLY_CHILD_HEALTH_FEE':
        if (answer.eligible && !house.parentsOnlyChildHousehold) throw new Error(`${key} on ${asOf}: an only-child fee outside an only-child household\n${context()}`)
        break
    }
    if (expected !== undefined && answer.eligible !== expected) {
      throw new Error(`${key} on ${asOf}: ${ruleSet.programCode} ${answer.eligible}, DESIGN's households say ${expected} ${JSON.stringify(house)}\n${context()}`)
    }
    checked++
  }
  return checked
}

const generated = (rules: RuleNode, amounts: AmountSettings): RuleSet => ({ programCode: 'GENERATED', version: 0, rules, amounts, funding: [] })

t.test('the evaluators agree, read the history as of the date whatever its order of entry, and answer as DESIGN §3 says', async (t) => {
  const counts = { facts: 0, decisions: 0, claims: 0, generated: 0, eligible: 0, reordered: 0, asOfTheDate: 0, households: 0 }
  await fc.assert(fc.asyncProperty(
    population.chain((drafts) => fc.tuple(fc.constant(drafts), asOfDates(drafts, DATES_PER_RUN))),
    fc.array(fc.tuple(ruleTree, amountSettings), { minLength: TREES_PER_RUN, maxLength: TREES_PER_RUN }),
    async ([drafts, dates], generatedRules) => {
      const people = resolve(drafts)
      const main = await world(people)
      const reordered = await world(people, 'reversed')
      const cut = dates[0]!
      const asItWas = await world(asItWasOn(people, cut))
      const ruleSets = [...generatedRules.map(([rules, amounts]) => generated(rules, amounts)), ...catalogue]
      const peopleContext = () => `population ${JSON.stringify(drafts)}`
      for (const asOf of dates) {
        const facts = tsFacts(main, asOf)
        counts.facts += sameFacts(await sqlFacts(main, asOf), facts, `facts, SQL vs TypeScript, on ${asOf}`, peopleContext)
        sameFacts(tsFacts(reordered, asOf), facts, `facts entered in reverse, on ${asOf}`, peopleContext)
        if (asOf === cut) {
          sameFacts(tsFacts(asItWas, asOf), facts, `facts as they were on ${asOf}, TypeScript`, peopleContext)
          sameFacts(await sqlFacts(asItWas, asOf), facts, `facts as they were on ${asOf}, SQL`, peopleContext)
        }
      }
      for (const ruleSet of ruleSets) {
        if (checkRuleTree(ruleSet.rules, '').length > 0) throw new Error(`generated an invalid tree: ${JSON.stringify(checkRuleTree(ruleSet.rules, ''))}`)
        for (const asOf of dates) {
          const context = () => `rules ${JSON.stringify(ruleSet.rules)}\namounts ${JSON.stringify(ruleSet.amounts)}\npopulation ${JSON.stringify(drafts)}`
          const byTs = tsAnswers(ruleSet, main, asOf)
          const compared = same(await sqlAnswers(ruleSet, main, asOf), byTs, `SQL vs TypeScript on ${asOf}`, context)
          counts.decisions += compared
          if (perClaim(ruleSet)) counts.claims += compared
          if (ruleSet.programCode === 'GENERATED') {
            counts.generated += compared
            counts.eligible += [...byTs.values()].filter((answer) => answer.eligible).length
          }
          checkDecisions(ruleSet, main, asOf, byTs, context)
          counts.households += checkHouseholds(ruleSet, main, asOf, byTs, people, context)

          // The SQL is held to the TypeScript on every world it is run on; here the TypeScript alone
          // answers for the reordered history (a statement a world and date is the test's cost).
          counts.reordered += same(tsAnswers(ruleSet, reordered, asOf), byTs, `entered in reverse, on ${asOf}`, context)
          if (asOf === cut) {
            counts.asOfTheDate += same(tsAnswers(ruleSet, asItWas, asOf), byTs, `as it was on ${asOf}, TypeScript`, context)
            same(await sqlAnswers(ruleSet, asItWas, asOf), byTs, `as it was on ${asOf}, SQL`, context)
          }
        }
      }
    },
  ), { seed: SEED, numRuns: RUNS, endOnFailure: true })
  t.ok(counts.facts > 0, `${counts.facts} facts compared between the evaluators, each also with the events entered in reverse, and on the cut date as from the registry as it was`)
  t.ok(counts.decisions > RUNS * (TREES_PER_RUN + catalogue.length) * DATES_PER_RUN, `${counts.decisions} decisions compared between the evaluators (${counts.claims} of them claims)`)
  t.ok(counts.eligible > counts.generated / 20 && counts.eligible < counts.generated * 0.95,
    `${counts.eligible} of the ${counts.generated} under generated rules eligible: the trees are neither always true nor always false`)
  t.ok(counts.claims > 0, 'claims were decided')
  t.ok(counts.reordered > 0, `${counts.reordered} decisions the same with the events entered in reverse order`)
  t.ok(counts.asOfTheDate > 0, `${counts.asOfTheDate} decisions the same as from the registry as it was on the date`)
  t.ok(counts.households > 0, `${counts.households} decisions of the catalogue held to DESIGN's households`)
})
