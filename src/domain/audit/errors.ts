import { defineProblem } from '../../http/problem.js'

export const auditHeadNotExtended = defineProblem(409, 'audit_head_not_extended', () =>
  'The trail does not extend the head given as since: blocks at its positions were removed or rewritten. GET /v1/audit/verify?since= says which.')
