import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { XLSX_MEDIA_TYPE } from '../../http/xlsx.js'
import { pageQuery } from '../../http/paging.js'
import { actingOf } from '../../plugins/auth.js'
import type { Role } from '../identity/roles.js'
import { idOf } from '../identity/schemas.js'
import { toJob } from '../jobs/service.js'
import type { BankReport } from './bank-report.js'
import { bankResultsMediaType, bankResultsRefused } from './errors.js'
import { CSV_CHARSETS, csvFile, pain001File, xlsxFile, type CsvCharset, type DebtorSettings } from './exports.js'
import { readPain002 } from './pain002.js'
import { postBankResults } from './results.js'
import { readReturnCsv } from './return-csv.js'
import {
  BatchListQuery, DISBURSEMENT_SCHEMAS, FundAllocationQuery, PaymentQuery,
  type BatchCreate, type BatchListQuery as BatchListQueryType, type BatchTransition, type FundAllocationCreate,
  type FundAllocationQuery as FundAllocationQueryType, type PaymentQuery as PaymentQueryType,
} from './schemas.js'
import {
  allocateFunds, getBatch, listAllocations, listBatches, listNotPayable, listPayments, requestBatch, takeBatchStep,
} from './service.js'

/** Who reads budgets, batches and payments: finance, administrators and auditors. */
const FINANCE_READERS: readonly Role[] = ['finance_officer', 'finance_approver', 'admin', 'auditor']
/** Who takes the payment files: their work needs the whole account numbers. */
const FINANCE: readonly Role[] = ['finance_officer', 'finance_approver']

const XML_TYPES = new Set(['application/xml', 'text/xml'])

export interface DisbursementOptions {
  debtor: DebtorSettings
  /** Largest bank results file accepted, in bytes. */
  resultsBodyLimit: number
}

/** Money out (DESIGN §6): fund allocations, payment batches and their files, and the bank's results. */
export default async function disbursementRoutes (app: FastifyInstance, options: DisbursementOptions) {
  for (const schema of DISBURSEMENT_SCHEMAS) app.addSchema(schema)
  for (const type of [...XML_TYPES, 'text/csv']) {
    // ISO 20022 messages are UTF-8 by rule, and so is the return file the service takes.
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: options.resultsBodyLimit }, (_request, body, done) => {
      try {
        done(null, new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer))
      } catch {
        done(bankResultsRefused('bank_file_invalid', 'The file is not UTF-8 text.', [{ path: '/body', message: 'not UTF-8' }]), undefined)
      }
    })
  }

  app.post<{ Body: FundAllocationCreate }>('/fund-allocations', {
    config: { roles: ['finance_officer', 'admin'] },
    schema: {
      operationId: 'createFundAllocation',
      tags: ['funds'],
      summary: 'Record what one source gives one programme in one year',
      description: 'The district\'s budget: by an officer scoped to the whole district. One allocation per programme, year and source (409 allocation_exists). '
        + 'Approving a batch that would overspend an allocation is refused (409 overspend).',
      body: Type.Ref('FundAllocationCreate'),
      response: { 201: Type.Ref('FundAllocation'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => reply.code(201).send(await allocateFunds(app.db, actingOf(request), request.body)))

  app.get<{ Querystring: FundAllocationQueryType & { limit: number } }>('/fund-allocations', {
    config: { roles: FINANCE_READERS },
    schema: {
      operationId: 'listFundAllocations',
      tags: ['funds'],
      summary: 'Fund allocations with what is spent and what remains',
      description: 'Spent: each source\'s share of the programme-year\'s approved, exported and reconciled batches, less what the bank refused.',
      querystring: FundAllocationQuery,
      response: { 200: Type.Ref('FundAllocationPage'), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => listAllocations(app.db, actingOf(request), request.query))

  app.post<{ Body: BatchCreate }>('/payment-batches', {
    config: { roles: ['finance_officer'] },
    schema: {
      operationId: 'createPaymentBatch',
      tags: ['payments'],
      summary: 'Make a batch of payments for a programme, period and region, as a job',
      description: 'One set-based statement makes one payment per active beneficiary owed for the period and not yet paid or pending for it, with the rule '
        + 'version\'s amount, its split by source and a snapshot of the bank account; beneficiaries with no account are counted and listed as notPayable. '
        + 'A failed payment is paid again by a later batch once the beneficiary\'s account has changed. The job\'s result holds batchId (null when nothing is owed). See docs/payments.md.',
      body: Type.Ref('BatchCreate'),
      response: { 202: { ...Type.Ref('Job'), description: 'The batch job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const job = await requestBatch(app.db, actingOf(request), request.body)
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })

  app.get<{ Querystring: BatchListQueryType & { limit: number } }>('/payment-batches', {
    config: { roles: FINANCE_READERS },
    schema: {
      operationId: 'listPaymentBatches',
      tags: ['payments'],
      summary: 'Payment batches of your region',
      querystring: BatchListQuery,
      response: { 200: Type.Ref('BatchPage'), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => listBatches(app.db, actingOf(request), request.query))

  app.get<{ Params: { id: string } }>('/payment-batches/:id', {
    config: { roles: FINANCE_READERS },
    schema: {
      operationId: 'getPaymentBatch',
      tags: ['payments'],
      summary: 'A payment batch: its state, totals by source and who took each step',
      params: idOf('payment batch'),
      response: { 200: Type.Ref('Batch'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getBatch(app.db, actingOf(request), request.params.id))

  app.post<{ Params: { id: string }, Body: BatchTransition }>('/payment-batches/:id/transitions', {
    config: { roles: FINANCE },
    schema: {
      operationId: 'transitionPaymentBatch',
      tags: ['payments'],
      summary: 'Take a step on a batch: submit, approve, export or cancel',
      description: 'submit: a finance officer. approve: a finance approver who did not submit it (403 four_eyes), within every source\'s allocation '
        + '(409 overspend, naming the source, what remains and the batch\'s share). export: a finance officer, once the file is handed to the bank. '
        + 'cancel: before export, with a reason; its pending payments are cancelled. The service reconciles a batch when every payment is settled.',
      params: idOf('payment batch'),
      body: Type.Ref('BatchTransition'),
      response: { 200: Type.Ref('Batch'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => takeBatchStep(app.db, actingOf(request), request.params.id, request.body))

  app.get<{ Params: { id: string }, Querystring: PaymentQueryType & { limit: number } }>('/payment-batches/:id/payments', {
    config: { roles: FINANCE_READERS },
    schema: {
      operationId: 'listBatchPayments',
      tags: ['payments'],
      summary: 'A batch\'s payments, in file order',
      description: 'Whole account numbers for finance officers and approvers only; names always masked.',
      params: idOf('payment batch'),
      querystring: PaymentQuery,
      response: { 200: Type.Ref('PaymentPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listPayments(app.db, app.pii, actingOf(request), request.params.id, request.query))

  app.get<{ Params: { id: string }, Querystring: { limit: number, cursor?: string } }>('/payment-batches/:id/not-payable', {
    config: { roles: FINANCE_READERS },
    schema: {
      operationId: 'listBatchNotPayable',
      tags: ['payments'],
      summary: 'The beneficiaries a batch owed but could not pay: no bank account',
      params: idOf('payment batch'),
      querystring: Type.Object({ ...pageQuery }, { additionalProperties: false }),
      response: { 200: Type.Ref('NotPayablePage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listNotPayable(app.db, actingOf(request), request.params.id, request.query))

  app.get<{ Params: { id: string } }>('/payment-batches/:id/pain001', {
    config: { roles: FINANCE },
    schema: {
      operationId: 'getBatchPain001',
      tags: ['payments'],
      summary: 'The batch as an ISO 20022 pain.001.001.10 credit transfer file',
      description: 'From approval on; the same bytes every time (message id and creation time fixed by the batch and its approval), streamed. '
        + 'The debtor is the district\'s account (DEBTOR_NAME, DEBTOR_ACCOUNT, DEBTOR_BANK_CODE; 409 debtor_not_configured names what is missing). '
        + 'Field by field in docs/payments.md.',
      params: idOf('payment batch'),
      response: {
        200: { description: 'The pain.001.001.10 document.', content: { 'application/xml': { schema: Type.String({ description: 'UTF-8 XML.' }) } } },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    },
  }, async (request, reply) => {
    const file = await pain001File(app.db, app.pii, actingOf(request), request.params.id, options.debtor)
    return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${file.name}"`).send(file.stream)
  })

  app.get<{ Params: { id: string }, Querystring: { charset: CsvCharset } }>('/payment-batches/:id/export.csv', {
    config: { roles: FINANCE },
    schema: {
      operationId: 'getBatchCsv',
      tags: ['payments'],
      summary: 'The batch as CSV for banks that take no ISO 20022 files',
      description: 'From approval on. CRLF, header 序号, 收款人姓名, 收款账号, 开户行行号, 开户行名称, 金额, 用途, 业务编号; streamed. '
        + 'UTF-8 with a byte-order mark by default; charset=gbk or charset=gb18030 writes the same rows in that encoding, without a byte-order mark, for bank portals that want it. '
        + 'Under gbk, a batch naming a payee or bank with a character GBK lacks is 409 charset_lacks_characters (gb18030 writes every character).',
      params: idOf('payment batch'),
      querystring: Type.Object({
        charset: Type.Enum([...CSV_CHARSETS], { default: 'utf-8', description: 'The encoding of the file: utf-8 (with BOM), gbk or gb18030.' }),
      }, { additionalProperties: false }),
      response: {
        200: { description: 'The CSV file, in the charset asked for (the Content-Type names it).', content: { 'text/csv': { schema: Type.String({ description: 'CSV: UTF-8 with BOM, GBK or GB18030.' }) } } },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    },
  }, async (request, reply) => {
    const charset = request.query.charset
    const file = await csvFile(app.db, app.pii, actingOf(request), request.params.id, charset)
    return reply.type(`text/csv; charset=${charset}`).header('content-disposition', `attachment; filename="${file.name}"`).send(file.stream)
  })

  app.get<{ Params: { id: string } }>('/payment-batches/:id/export.xlsx', {
    config: { roles: FINANCE },
    schema: {
      operationId: 'getBatchXlsx',
      tags: ['payments'],
      summary: 'The batch as an Excel workbook, the CSV\'s columns',
      description: 'From approval on. One sheet, the CSV\'s header and rows; 收款账号, 开户行行号 and 业务编号 are text cells in text-formatted columns (Excel cannot turn them into numbers), '
        + '序号 a number, 金额 a number of yuan shown with 2 decimals; streamed.',
      params: idOf('payment batch'),
      response: {
        200: { description: 'The workbook.', content: { [XLSX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary', description: 'An Office Open XML workbook.' }) } } },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    },
  }, async (request, reply) => {
    const file = await xlsxFile(app.db, app.pii, actingOf(request), request.params.id)
    return reply.type(XLSX_MEDIA_TYPE).header('content-disposition', `attachment; filename="${file.name}"`).send(file.stream)
  })

  app.post<{ Params: { id: string }, Body: string }>('/payment-batches/:id/bank-results', {
    config: { roles: ['finance_officer'] },
    bodyLimit: options.resultsBodyLimit,
    schema: {
      operationId: 'postBankResults',
      tags: ['payments'],
      summary: 'Settle an exported batch\'s payments from the bank\'s results: pain.002.001.11 or the CSV return file',
      description: 'All or nothing: a file naming an unknown payment, settling a settled one, invalid against the schema, or whose totals do not match '
        + 'is refused whole (422, errors listing every bad line as /body/line/<n>). ACSC, ACCC and ACSP pay; RJCT fails with its reason code; '
        + 'CSV 处理结果 成功 pays, 失败 fails with 失败原因. When every payment is settled the batch is reconciled; a one-time programme\'s paid case is completed.',
      params: idOf('payment batch'),
      body: {
        content: {
          'application/xml': { schema: Type.String({ description: 'A pain.002.001.11 customer payment status report, UTF-8.' }) },
          'text/xml': { schema: Type.String({ description: 'The same, under its older media type.' }) },
          'text/csv': { schema: Type.String({ description: 'UTF-8 CSV (a BOM is allowed): 业务编号, 处理结果 (成功 | 失败), 失败原因.' }) },
        },
      },
      response: { 200: Type.Ref('BankResultsOutcome'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    },
  }, async (request) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (typeof request.body !== 'string') throw bankResultsMediaType()
    const bytes = Buffer.from(request.body, 'utf8')
    let report: BankReport
    if (XML_TYPES.has(type)) report = await readPain002(bytes)
    else if (type === 'text/csv') report = readReturnCsv(request.body)
    else throw bankResultsMediaType()
    return postBankResults(app.db, actingOf(request), request.params.id, report, bytes)
  })
}
