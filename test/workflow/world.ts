import type { Test } from 'tap'
import { regionWorld } from '../helper.js'
import { couple } from '../registry/people.js'

/**
 * A district on a settable clock set to 15 March 2010, with the officers of the default
 * workflow: a registrar and an investigator in village A, a reviewer of township A, a
 * confirmer of the district.
 */
export async function workflowWorld (t: Test, overrides: Record<string, string> = {}) {
  const world = await regionWorld(t, { CLOCK: 'settable', ...overrides })
  const { api, admin } = world
  const registrar = await world.officer(['registrar'], world.villageA, '王登记')
  const investigator = await world.officer(['investigator'], world.villageA, '李调查')
  const reviewer = await world.officer(['reviewer'], world.townA, '赵审核')
  const confirmer = await world.officer(['confirmer'], world.district, '钱确认')
  /** Moves the clock to 09:00 of a day; a day the clock is already on is left as it is. */
  const setClock = async (now: string) => {
    if ((await api.call(admin, 'GET', '/v1/clock')).body.today === now) return
    const answer = await api.call(admin, 'PUT', '/v1/clock', { now: `${now}T09:00:00+08:00` })
    if (answer.status !== 200) throw new Error(`clock: ${JSON.stringify(answer.body)}`)
  }
  await setClock('2010-03-15')
  let households = 0
  /** An old rural couple with one son, in village A (or elsewhere): the head qualifies for RURAL_REWARD in 2010. */
  const elderlyCouple = async (regionCode = world.villageA) => {
    const answer = await api.call(admin, 'POST', '/v1/households', couple(regionCode, ++households))
    if (answer.status !== 201) throw new Error(`household: ${JSON.stringify(answer.body)}`)
    return { head: answer.body.members[0].id as string, spouse: answer.body.members[1].id as string, son: answer.body.members[2].id as string, household: answer.body.id as string }
  }
  const register = async (personId: string, programCode = 'RURAL_REWARD') => {
    const answer = await api.call(registrar.token, 'POST', '/v1/cases', { programCode, personId })
    if (answer.status !== 201) throw new Error(`register: ${JSON.stringify(answer.body)}`)
    return answer.body.id as string
  }
  const step = (officer: { token: string }, caseId: string, action: string, extra: Record<string, unknown> = {}) =>
    api.call(officer.token, 'POST', `/v1/cases/${caseId}/transitions`, { action, ...extra })
  /** Takes a registered case through investigation, review and confirmation, a week apart, and past its district notice: the case as it then stands. */
  const walkToActive = async (caseId: string) => {
    const weekLater = async () => {
      const today = new Date(`${(await api.call(admin, 'GET', '/v1/clock')).body.today as string}T00:00:00Z`)
      return new Date(today.getTime() + 7 * 86_400_000).toISOString().slice(0, 10)
    }
    await step(investigator, caseId, 'investigate')
    await setClock(await weekLater())
    await step(reviewer, caseId, 'review')
    await setClock(await weekLater())
    await step(confirmer, caseId, 'confirm')
    await setClock(await weekLater())
    return (await api.call(confirmer.token, 'GET', `/v1/cases/${caseId}`)).body
  }
  const auditOf = (caseId: string) => world.database.db.selectFrom('audit_events').selectAll()
    .where('entity_type', '=', 'case').where('entity_id', '=', caseId).orderBy('seq').execute()
  return { ...world, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, register, step, walkToActive, auditOf }
}
