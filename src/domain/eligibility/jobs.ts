import Type, { type Static } from 'typebox'
import { defineJob } from '../jobs/define.js'
import { reviewProgram } from './review.js'
import { screenProgram, simulateRuleVersion } from './screening.js'

export const ScreeningInput = Type.Object({
  programCode: Type.String(),
  ruleVersion: Type.Integer({ minimum: 1 }),
  regionCode: Type.String(),
  year: Type.Integer(),
  /** The date the facts are taken on. */
  asOf: Type.String({ format: 'date' }),
})

export const SimulationInput = Type.Object({
  ...ScreeningInput.properties,
  /** The active version compared with, or null when the programme has none. */
  activeVersion: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
})

export type ScreeningInput = Static<typeof ScreeningInput>
export type SimulationInput = Static<typeof SimulationInput>

export const SCREENING = defineJob('eligibility.screening', ScreeningInput, screenProgram)
export const SIMULATION = defineJob('eligibility.simulation', SimulationInput, simulateRuleVersion)

export const REVIEW = defineJob('eligibility.review', ScreeningInput, reviewProgram)

export const ELIGIBILITY_JOBS = [SCREENING, SIMULATION, REVIEW]
