import { defineProblem } from '../../http/problem.js'
import { notFound } from '../entities.js'

export const regionNotFound = notFound('region')
export const regionExists = defineProblem(409, 'region_exists', (code: string) => `Region ${code} already exists.`)
export const regionLevelMismatch = defineProblem(422, 'region_level_mismatch', (code: string, implied: string | undefined, given: string) =>
  `A code of the form ${code} is a ${implied ?? 'region deeper than a hamlet'}, not a ${given}.`)
export const regionParentMismatch = defineProblem(422, 'region_parent_mismatch', (code: string, parent: string | null, given: string) =>
  `The parent of ${code} is ${parent ?? 'none'}, not ${given}.`)
