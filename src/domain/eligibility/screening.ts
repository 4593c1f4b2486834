import { sql } from 'kysely'
import type { JobHandler } from '../jobs/runner.js'
import { formatFen } from '../money.js'
import { ruleSetFor } from '../programs/service.js'
import { compileAmount } from './amounts.js'
import { compileEligible, compileFailedOn, compileSelection, compileTree } from './compile.js'

export const SCREENING = 'eligibility.screening'
export const SIMULATION = 'eligibility.simulation'

export interface ScreeningInput {
  programCode: string
  ruleVersion: number
  regionCode: string
  year: number
  asOf: string
}

export interface SimulationInput extends ScreeningInput {
  /** The active version compared with, or null when the programme has none. */
  activeVersion: number | null
}

const money = (fen: number | string | null) => fen === null ? null : formatFen(Number(fen))

/**
 * Screens a region: one INSERT … SELECT of the compiled rules writes everyone who
 * qualifies, with the amount for the year, as candidates. Until cases exist every
 * qualifying person is a candidate; the workflow subtracts its beneficiaries here.
 */
export const screenProgram: JobHandler = async ({ job, db, progress }) => {
  const input = job.input as unknown as ScreeningInput
  const ruleSet = await ruleSetFor(db, input.programCode, input.ruleVersion)
  await progress(0, 1)
  const eligible = compileEligible(ruleSet.rules, input, (q) => ({ amount_fen: compileAmount(q, ruleSet.amounts) }))
  const { rows } = await sql<{ qualified: number, amount: string | null }>`
    with found as (
      insert into eligibility_outcomes (job_id, outcome, person_id, amount_fen)
      select ${job.id}::uuid, 'candidate', e.person_id, e.amount_fen from (${eligible}) e
      returning amount_fen
    )
    select count(*)::int as qualified, sum(amount_fen)::text as amount from found
  `.execute(db)
  await progress(1, 1)
  const { qualified, amount } = rows[0]!
  return {
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    regionCode: input.regionCode,
    year: input.year,
    asOf: input.asOf,
    qualifiedCount: qualified,
    candidateCount: qualified,
    candidateAmount: money(amount),
    candidates: `/v1/screenings/${job.id}/persons?outcome=candidate`,
  }
}

/**
 * Simulates a rule version against the active one over a region, in one statement:
 * both trees and both amount schedules compiled over the same facts; persons for
 * whom the answers differ are written as gains or losses (with the criterion they fail),
 * and the year's cost under each version is summed.
 */
export const simulateRuleVersion: JobHandler = async ({ job, db, progress }) => {
  const input = job.input as unknown as SimulationInput
  const simulated = await ruleSetFor(db, input.programCode, input.ruleVersion)
  const active = input.activeVersion === null ? null : await ruleSetFor(db, input.programCode, input.activeVersion)
  await progress(0, 1)
  const selection = compileSelection(input, (q) => {
    const now = active ? compileTree(q, active.rules) : sql<boolean>`false`
    const then = compileTree(q, simulated.rules)
    return {
      where: sql<boolean>`(${now} or ${then})`,
      columns: {
        held_now: now,
        held_then: then,
        failed_on: compileFailedOn(q, simulated.rules),
        amount_now: active ? compileAmount(q, active.amounts) : sql`null::bigint`,
        amount_then: compileAmount(q, simulated.amounts),
      },
    }
  })
  const { rows } = await sql<{ now_count: number, then_count: number, cost_now: string | null, cost_then: string | null, gains: number, losses: number }>`
    with s as (${selection}),
    changed as (
      insert into eligibility_outcomes (job_id, outcome, person_id, criterion, amount_fen)
      select ${job.id}::uuid, case when s.held_then then 'gain' else 'loss' end, s.person_id,
             case when s.held_then then null else s.failed_on end, case when s.held_then then s.amount_then else s.amount_now end
        from s where s.held_now <> s.held_then
      returning outcome
    )
    select count(*) filter (where s.held_now)::int as now_count, count(*) filter (where s.held_then)::int as then_count,
           (sum(s.amount_now) filter (where s.held_now))::text as cost_now, (sum(s.amount_then) filter (where s.held_then))::text as cost_then,
           (select count(*) from changed where outcome = 'gain')::int as gains, (select count(*) from changed where outcome = 'loss')::int as losses
      from s
  `.execute(db)
  await progress(1, 1)
  const result = rows[0]!
  const costNow = Number(result.cost_now ?? 0)
  const costThen = Number(result.cost_then ?? 0)
  return {
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    activeVersion: input.activeVersion,
    regionCode: input.regionCode,
    year: input.year,
    asOf: input.asOf,
    qualifiedNow: result.now_count,
    qualifiedThen: result.then_count,
    gainCount: result.gains,
    lossCount: result.losses,
    costNow: formatFen(costNow),
    costThen: formatFen(costThen),
    costChange: `${costThen < costNow ? '-' : ''}${formatFen(Math.abs(costThen - costNow))}`,
    gains: `/v1/simulations/${job.id}/persons?outcome=gain`,
    losses: `/v1/simulations/${job.id}/persons?outcome=loss`,
  }
}
