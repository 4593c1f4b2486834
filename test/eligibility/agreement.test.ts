import { randomBytes, randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { Kysely } from 'kysely'
import t from 'tap'
import type { DB } from '../../src/db/types.js'
import { amountFor } from '../../src/domain/eligibility/amounts.js'
import { compileAmount } from '../../src/domain/eligibility/amounts.js'
import { compileFailedOn, compileSelection, compileTree } from '../../src/domain/eligibility/compile.js'
import { evaluateTree } from '../../src/domain/eligibility/evaluate.js'
import { loadFactSources, PersonFacts, type FactSources } from '../../src/domain/eligibility/person-facts.js'
import { checkRuleTree, type RuleNode } from '../../src/domain/eligibility/rule-tree.js'
import { buildApp } from '../helper.js'
import { amountSettings, dateBetween, population, ruleTree, type HouseholdDraft } from './arbitraries.js'

/**
 * The two evaluators must agree (DESIGN §3): for generated households and rule trees,
 * the TypeScript evaluator (one person at a time, from plain rows) and the compiled
 * SQL statement (the whole region at once) give every person the same decision, the
 * same failing criterion and the same amount. Fixed seed, so CI runs the same cases.
 */
const SEED = Number(process.env.AGREEMENT_SEED ?? 20261130)
const RUNS = Number(process.env.AGREEMENT_RUNS ?? 80)
const TREES_PER_RUN = 6
const DATES_PER_RUN = 3

const { app } = await buildApp(t)
const db = app.db
const TOWNSHIP = '420102.001'
await db.insertInto('regions').values({ code: TOWNSHIP, name: '镇', level: 'township', parent_code: '420102' }).execute()

let run = 0

/** Writes a generated population into a village of its own; answers the village's code. */
async function insertPopulation (db: Kysely<DB>, households: HouseholdDraft[]): Promise<string> {
  const village = `${TOWNSHIP}.${String(100 + run++).padStart(3, '0')}`
  await db.insertInto('regions').values({ code: village, name: `村${run}`, level: 'village', parent_code: TOWNSHIP }).execute()
  const placed: Array<{ id: string, sex: string }> = []
  for (const household of households) {
    const { id: householdId } = await db.insertInto('households').values({ region_code: village, hukou_type: household.hukouType, address: '测试' })
      .returning('id').executeTakeFirstOrThrow()
    const ids = household.members.map(() => randomUUID())
    const parent = (sex: string) => household.members.findIndex((member) => (member.relationship === 'head' || member.relationship === 'spouse') && member.sex === sex)
    const rows = household.members.map((member, index) => {
      const elsewhere = member.parentElsewhere !== null && placed.length > 0 ? placed[member.parentElsewhere % placed.length]! : undefined
      const mother = member.linkToParents && member.relationship === 'child' && parent('female') !== -1 ? ids[parent('female')]! : elsewhere?.sex === 'female' ? elsewhere.id : null
      const father = member.linkToParents && member.relationship === 'child' && parent('male') !== -1 ? ids[parent('male')]! : elsewhere?.sex === 'male' ? elsewhere.id : null
      const death = member.diesAfterDays === null ? null : new Date(Date.parse(member.birthDate) + member.diesAfterDays * 86_400_000).toISOString().slice(0, 10)
      return {
        id: ids[index]!,
        household_id: householdId,
        name: '测试',
        id_number_cipher: Buffer.alloc(1),
        id_number_key: 'test',
        id_number_index: randomBytes(16),
        id_number_masked: '420102********0000',
        sex: member.sex,
        birth_date: member.birthDate,
        death_date: death,
        relationship: member.relationship,
        mother_id: mother,
        father_id: father,
        adopted: member.adopted,
        disability_grade: member.disabilityGrade,
        disability_certificate: member.certified ? '残' : null,
      }
    })
    await db.insertInto('persons').values(rows).execute()
    placed.push(...rows.map((row) => ({ id: row.id, sex: row.sex })))
    for (const [index, member] of household.members.entries()) {
      let previous: string | null = null
      for (const event of member.events) {
        const { id } = await db.insertInto('person_events').values({
          person_id: ids[index]!, type: event.type, date: event.date,
          details: JSON.stringify(event.type === 'exam_result' ? { exam: 'gaokao', tier: event.tier } : {}),
          supersedes_id: event.supersedesPrevious ? previous : null,
        }).returning('id').executeTakeFirstOrThrow()
        previous = id
      }
    }
  }
  return village
}

interface Answer { eligible: boolean, failedOn: string | null, amount: number | null }

/** The SQL evaluator: one statement over the village, every person with their answer. */
async function sqlAnswers (tree: RuleNode, amounts: Parameters<typeof compileAmount>[1], regionCode: string, asOf: string): Promise<Map<string, Answer>> {
  const statement = compileSelection({ regionCode, asOf }, (q) => ({
    where: sqlTrue,
    columns: { eligible: compileTree(q, tree), failed_on: compileFailedOn(q, tree), amount: compileAmount(q, amounts) },
  }))
  const { rows } = await statement.execute(db) as unknown as { rows: Array<{ person_id: string, eligible: boolean, failed_on: string | null, amount: string | number | null }> }
  return new Map(rows.map((row) => [row.person_id, { eligible: row.eligible, failedOn: row.failed_on, amount: row.amount === null ? null : Number(row.amount) }]))
}

const { sql } = await import('kysely')
const sqlTrue = sql<boolean>`true`

/** The TypeScript evaluator, for one person. */
function tsAnswer (tree: RuleNode, amounts: Parameters<typeof compileAmount>[1], sources: FactSources, asOf: string): Answer {
  const facts = new PersonFacts(sources, asOf)
  const decision = evaluateTree(tree, (leaf) => facts.get(leaf.fact, leaf.params))
  return { eligible: decision.passed, failedOn: decision.failedOn, amount: amountFor(amounts, facts, sources.person) }
}

t.test('the TypeScript evaluator and the compiled SQL agree on every person', async (t) => {
  let decisions = 0
  let eligible = 0
  await fc.assert(fc.asyncProperty(
    population,
    fc.array(fc.tuple(ruleTree, amountSettings), { minLength: TREES_PER_RUN, maxLength: TREES_PER_RUN }),
    fc.array(dateBetween('1985-01-01', '2025-12-31'), { minLength: DATES_PER_RUN, maxLength: DATES_PER_RUN }),
    async (households, rules, dates) => {
      const village = await insertPopulation(db, households)
      const ids = (await db.selectFrom('persons as p').innerJoin('households as h', 'h.id', 'p.household_id').select('p.id').where('h.region_code', '=', village).execute()).map((row) => row.id)
      const sources = new Map<string, FactSources>()
      for (const id of ids) sources.set(id, (await loadFactSources(db, id, village))!)
      for (const [tree, amounts] of rules) {
        if (checkRuleTree(tree, '').length > 0) throw new Error(`generated an invalid tree: ${JSON.stringify(checkRuleTree(tree, ''))}`)
        for (const asOf of dates) {
          const bySql = await sqlAnswers(tree, amounts, village, asOf)
          for (const id of ids) {
            const byTs = tsAnswer(tree, amounts, sources.get(id)!, asOf)
            const answer = bySql.get(id)
            if (JSON.stringify(answer) !== JSON.stringify(byTs)) {
              throw new Error(`disagreement on ${asOf}: SQL ${JSON.stringify(answer)} vs TypeScript ${JSON.stringify(byTs)}\ntree ${JSON.stringify(tree)}\namounts ${JSON.stringify(amounts)}\nperson ${JSON.stringify(sources.get(id))}`)
            }
            decisions++
            if (byTs.eligible) eligible++
          }
        }
      }
    },
  ), { seed: SEED, numRuns: RUNS, endOnFailure: true })
  t.ok(decisions > RUNS * TREES_PER_RUN * DATES_PER_RUN, `${decisions} decisions compared`)
  t.ok(eligible > decisions / 20 && eligible < decisions * 0.95, `${eligible} of them eligible: the trees are neither always true nor always false`)
})
