import { defineFieldProblem } from '../../http/problem.js'

export const yearInFuture = defineFieldProblem(422, 'year_in_future', (year: number, current: number) =>
  `The year ${year} has not begun; screen ${current} or earlier.`)
