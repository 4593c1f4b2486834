import type { Test } from 'tap'
import { regionWorld } from '../helper.js'
import { idNumberFor } from '../registry/people.js'

export interface Evaluation {
  eligible: boolean
  amount: string | null
  failedOn: string | null
  asOf: string
  period: string
  criteria: Array<{ id: string, passed: boolean, actual: unknown, expected: unknown, label: string, fact: string }>
  funding: Array<{ source: string, amount: string }>
  ruleVersion: number
  claim?: { id: string, service: string, date: string } | null
}

export interface MemberSpec {
  sex: 'male' | 'female'
  birthDate: string
  relationship?: 'head' | 'spouse' | 'child' | 'parent' | 'other'
  deathDate?: string
  adopted?: boolean
  disabilityGrade?: number
  disabilityCertificate?: string
  motherId?: string
  fatherId?: string
}

/**
 * A region world with a registrar who builds households member by member, records
 * events, and asks for evaluations — the edges of each programme are built with it.
 */
export async function eligibilityWorld (t: Test) {
  const world = await regionWorld(t)
  const registrar = await world.officer(['registrar'], world.villageA, '登记员')
  let sequence = 0

  /** Registers a household; answers its members' ids in the order given. */
  const household = async (members: MemberSpec[], options: { hukouType?: string, regionCode?: string } = {}): Promise<string[]> => {
    const body = {
      regionCode: options.regionCode ?? world.villageA,
      hukouType: options.hukouType ?? 'agricultural',
      address: `${++sequence}号`,
      members: members.map((member, index) => ({
        name: `成员${sequence}${index}`,
        idNumber: idNumberFor(member.birthDate, member.sex, (sequence * 7 + index) % 500),
        relationship: index === 0 ? 'head' : 'child',
        ...member,
      })),
    }
    const created = await world.api.call(registrar.token, 'POST', '/v1/households', body)
    if (created.status !== 201) throw new Error(`household: ${JSON.stringify(created.body)}`)
    // The answer lists members head first, then by relationship and age: match them by ID number.
    return body.members.map((member) => created.body.members.find((each: { idNumber: string }) => each.idNumber === member.idNumber).id)
  }

  const event = async (personId: string, body: Record<string, unknown>) => {
    const recorded = await world.api.call(registrar.token, 'POST', `/v1/persons/${personId}/events`, body)
    if (recorded.status !== 201) throw new Error(`event: ${JSON.stringify(recorded.body)}`)
    return recorded.body
  }

  /** Asks for an evaluation; answers the status and the body, whatever they are. */
  const ask = (body: Record<string, unknown>) => world.api.call(registrar.token, 'POST', '/v1/eligibility/evaluations', body)

  const evaluate = async (programCode: string, personId: string, asOf?: string, extra: Record<string, unknown> = {}) => {
    const answer = await ask({ programCode, personId, ...(asOf ? { asOf } : {}), ...extra })
    if (answer.status !== 200) throw new Error(`evaluation: ${answer.status} ${JSON.stringify(answer.body)}`)
    return answer.body as Evaluation
  }

  /** Screens the registrar's village for a programme in a year; answers every candidate listed. */
  const screen = async (programCode: string, year: number) => {
    const started = await world.api.call(registrar.token, 'POST', `/v1/programs/${programCode}/screenings`, { regionCode: world.villageA, year })
    if (started.status !== 202) throw new Error(`screening: ${JSON.stringify(started.body)}`)
    await world.app.jobs.runPending()
    const job = (await world.api.call(registrar.token, 'GET', `/v1/jobs/${started.body.id}`)).body
    if (job.status !== 'succeeded') throw new Error(`screening: ${JSON.stringify(job)}`)
    const items: Array<{ personId: string, claimId: string | null, amount: string | null }> = []
    let cursor: string | null = null
    do {
      const page: { body: { items: typeof items, nextCursor: string | null } } = await world.api.call(registrar.token, 'GET', `${job.result.candidates}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)
      items.push(...page.body.items)
      cursor = page.body.nextCursor
    } while (cursor)
    return items
  }

  return { ...world, registrar, household, event, ask, evaluate, screen }
}
