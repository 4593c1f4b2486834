import type { Test } from 'tap'
import { workflowWorld } from '../workflow/world.js'

/** The district's paying account, as the payment files name it. */
export const DEBTOR = { DEBTOR_NAME: '江岸区财政局', DEBTOR_ACCOUNT: '110000000000000000001', DEBTOR_BANK_CODE: '102100099996' }

/**
 * A district on a settable clock from 15 March 2010 with the officers of the default
 * workflow (as test/workflow/world.ts) and the finance bureau: finance officers, an
 * approver, an auditor; and helpers to make beneficiaries through the real workflow,
 * give them accounts, and take batches to their files.
 */
export async function moneyWorld (t: Test, overrides: Record<string, string> = DEBTOR) {
  const world = await workflowWorld(t, overrides)
  const { api } = world
  const financeOfficer = await world.officer(['finance_officer'], world.district, '孙出纳')
  const secondOfficer = await world.officer(['finance_officer'], world.district, '周出纳')
  const approver = await world.officer(['finance_approver'], world.district, '吴审批')
  /** An officer who holds both finance roles: four eyes stops them approving what they submitted. */
  const both = await world.officer(['finance_officer', 'finance_approver'], world.district, '郑财务')
  const auditor = await world.officer(['auditor'], world.district, '冯审计')
  let today = '2010-03-15'
  const moveClock = async (to: string) => {
    if (to > today) {
      await world.setClock(to)
      today = to
    }
  }
  const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

  /** Takes the persons' cases through registration, investigation, review and confirmation with their notices: active at the end. */
  const beneficiaries = async (personIds: string[], programCode = 'RURAL_REWARD'): Promise<string[]> => {
    const ids: string[] = []
    for (const personId of personIds) ids.push(await world.register(personId, programCode))
    const bulk = async (officer: { token: string }, action: string) => {
      const answer = await api.call(officer.token, 'POST', '/v1/cases/transitions', { action, caseIds: ids })
      if (answer.status !== 200 || answer.body.failed.length > 0) throw new Error(`${action}: ${JSON.stringify(answer.body)}`)
    }
    await bulk(world.investigator, 'investigate')
    await moveClock(addDays(today, 7))
    await bulk(world.reviewer, 'review')
    await moveClock(addDays(today, 7))
    await bulk(world.confirmer, 'confirm')
    await moveClock(addDays(today, 7))
    for (const id of ids) {
      const answer = await api.call(world.confirmer.token, 'GET', `/v1/cases/${id}`)
      if (answer.body.status !== 'active') throw new Error(`case ${id} is ${answer.body.status}`)
    }
    return ids
  }

  let accounts = 0
  const account = async (personId: string, holderName = '张明') => {
    const accountNumber = `62220202${String(++accounts).padStart(11, '0')}`
    const answer = await api.call(financeOfficer.token, 'PUT', `/v1/persons/${personId}/bank-account`, {
      bankName: '湖北省农村信用社', branchCode: '402521000032', accountNumber, holderName,
    })
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`account: ${JSON.stringify(answer.body)}`)
    return { ...answer.body, accountNumber } as { id: string, accountNumber: string }
  }

  /** Asks for a batch and runs its job; answers the job's result. */
  const batch = async (programCode: string, period: string, extra: Record<string, unknown> = {}) => {
    const started = await api.call(financeOfficer.token, 'POST', '/v1/payment-batches', { programCode, period, ...extra })
    if (started.status !== 202) throw new Error(`batch: ${started.status} ${JSON.stringify(started.body)}`)
    await world.app.jobs.runPending()
    const job = await api.call(financeOfficer.token, 'GET', `/v1/jobs/${started.body.id}`)
    if (job.body.status !== 'succeeded') throw new Error(`batch job: ${JSON.stringify(job.body)}`)
    return job.body.result as { batchId: string | null, count: number, total: string, notPayable: number }
  }

  const step = (officer: { token: string }, batchId: string, action: string, reason?: string) =>
    api.call(officer.token, 'POST', `/v1/payment-batches/${batchId}/transitions`, { action, ...(reason ? { reason } : {}) })

  /** Submits, approves and exports a batch; answers the pain.001 file. */
  const approveAndExport = async (batchId: string) => {
    for (const [officer, action] of [[financeOfficer, 'submit'], [approver, 'approve']] as const) {
      const answer = await step(officer, batchId, action)
      if (answer.status !== 200) throw new Error(`${action}: ${JSON.stringify(answer.body)}`)
    }
    const file = await world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batchId}/pain001`, headers: { authorization: `Bearer ${financeOfficer.token}` } })
    if (file.statusCode !== 200) throw new Error(`pain001: ${file.body}`)
    const exported = await step(financeOfficer, batchId, 'export')
    if (exported.status !== 200) throw new Error(`export: ${JSON.stringify(exported.body)}`)
    return file.body
  }

  const payments = async (batchId: string, officer = financeOfficer) => {
    const answer = await api.call(officer.token, 'GET', `/v1/payment-batches/${batchId}/payments?limit=500`)
    if (answer.status !== 200) throw new Error(`payments: ${JSON.stringify(answer.body)}`)
    return answer.body.items as Array<{ id: string, personId: string, amount: string, status: string, account: string, reasonCode?: string, bySource: Array<{ source: string, amount: string }> }>
  }

  const postResults = (batchId: string, body: string, type: 'application/xml' | 'text/csv', officer = financeOfficer) =>
    world.app.inject({ method: 'POST', url: `/v1/payment-batches/${batchId}/bank-results`, headers: { authorization: `Bearer ${officer.token}`, 'content-type': type }, payload: body })
      .then((response) => ({ status: response.statusCode, body: response.json() }))

  const allocate = async (programCode: string, year: number, amounts: Record<string, string>) => {
    for (const [source, amount] of Object.entries(amounts)) {
      const answer = await api.call(financeOfficer.token, 'POST', '/v1/fund-allocations', { programCode, year, source, amount })
      if (answer.status !== 201) throw new Error(`allocation: ${JSON.stringify(answer.body)}`)
    }
  }

  return {
    ...world, financeOfficer, secondOfficer, approver, both, auditor, moveClock, beneficiaries, account, batch, step, approveAndExport,
    payments, postResults, allocate, today: () => today,
  }
}
