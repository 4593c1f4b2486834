import { defineProblem } from '../../http/problem.js'

export const benefitOutOfScope = defineProblem(403, 'benefit_out_of_scope', (benefit: string) =>
  `Your system is not registered to ask about ${benefit}; ask the district to add it to your partner registration.`)
export const verificationNotFound = defineProblem(404, 'verification_not_found', (reference: string) => `No verification ${reference} of yours.`)
