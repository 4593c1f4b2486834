import { defineFieldProblem, defineProblem } from '../../http/problem.js'

export const yearInFuture = defineFieldProblem(422, 'year_in_future', (year: number, current: number) =>
  `The year ${year} has not begun; screen ${current} or earlier.`)

export const screeningNotFinished = defineProblem(409, 'screening_not_finished', (id: string, status: string) =>
  `Screening ${id} is ${status}; its candidates can be registered once it has succeeded.`)
