import { defineProblem } from '../../http/problem.js'

export const clockNotSettable = defineProblem(404, 'clock_not_settable', () =>
  'This instance runs on real time; only an instance started with CLOCK=settable has a clock to set.')
export const clockBackwards = defineProblem(409, 'clock_backwards', (now: string) =>
  `The clock only moves forward: it reads ${now}; set an instant at or after it.`)
export const clockDistrictOnly = defineProblem(403, 'district_scope_required', () =>
  'The clock is set by administrators of the whole district.')
