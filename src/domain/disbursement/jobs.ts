import Type, { type Static } from 'typebox'
import { defineJob } from '../jobs/define.js'
import { makeBatch } from './batch-job.js'

export const BatchInput = Type.Object({
  programCode: Type.String(),
  ruleVersion: Type.Integer({ minimum: 1 }),
  period: Type.String({ pattern: '^[0-9]{4}(-(0[1-9]|1[0-2]))?$' }),
  regionCode: Type.String(),
})

export type BatchInput = Static<typeof BatchInput>

export const BATCH_GENERATION = defineJob('disbursement.batch', BatchInput, makeBatch)

export const DISBURSEMENT_JOBS = [BATCH_GENERATION]
