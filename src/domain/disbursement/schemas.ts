import Type, { type Static } from 'typebox'
import { pageOf, pageQuery } from '../../http/paging.js'
import { PROGRAM_CODE_PATTERN, uuid } from '../identity/schemas.js'
import { Money } from '../money.js'
import { FUND_SOURCES } from '../programs/schemas.js'
import { regionCode } from '../regions/schemas.js'

export const BATCH_STATUSES = ['draft', 'submitted', 'approved', 'exported', 'reconciled', 'cancelled'] as const
export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'cancelled'] as const
/** The steps an officer takes on a batch; the service reconciles it. */
export const BATCH_ACTIONS = ['submit', 'approve', 'export', 'cancel'] as const

const FundSource = Type.Enum([...FUND_SOURCES], { type: 'string', description: 'Who funds it.' })
const programCode = (description: string) => Type.String({ pattern: PROGRAM_CODE_PATTERN, description })
const year = (description: string) => Type.Integer({ minimum: 1949, maximum: 2200, description })

export const FundAllocationCreate = Type.Object({
  programCode: programCode('The programme funded.'),
  year: year('The year funded.'),
  source: FundSource,
  amount: Money('What the source gives the programme for the year.'),
}, { $id: 'FundAllocationCreate', additionalProperties: false, description: 'What one source gives one programme in one year.' })

export const FundAllocation = Type.Object({
  id: uuid('Allocation id.'),
  programCode: Type.String({ description: 'The programme funded.' }),
  year: Type.Integer({ description: 'The year funded.' }),
  source: FundSource,
  amount: Money('What the source gives.'),
  spent: Money('The source\'s share of the programme-year\'s approved, exported and reconciled batches, less what failed.'),
  remaining: Money('What is left to approve batches against: amount less spent.'),
  regionCode: regionCode('The region whose budget it is: the district.'),
  createdAt: Type.String({ format: 'date-time', description: 'When it was recorded.' }),
}, { $id: 'FundAllocation', additionalProperties: false, description: 'A fund allocation, with what has been spent of it.' })

export const FundAllocationPage = pageOf(Type.Ref('FundAllocation'), 'FundAllocationPage', 'A page of fund allocations.')

export const FundAllocationQuery = Type.Object({
  program: Type.Optional(programCode('Only this programme\'s.')),
  year: Type.Optional(year('Only this year\'s.')),
  ...pageQuery,
}, { additionalProperties: false })

export const BatchCreate = Type.Object({
  programCode: programCode('The programme paid.'),
  period: Type.String({
    pattern: '^[0-9]{4}(-(0[1-9]|1[0-2]))?$',
    description: 'The period paid: a year ("2010"), or for amounts per month one month ("2010-06"). One-time programmes: the year the batch is made for.',
  }),
  regionCode: Type.Optional(regionCode('The region paid, its subtree included; your whole region when omitted.')),
}, { $id: 'BatchCreate', additionalProperties: false, description: 'A request for a batch of payments: made by a job.' })

const OfficerRef = Type.Object({
  id: Type.Union([uuid('Officer id.'), Type.Null()], { description: 'The officer; null for the service.' }),
  name: Type.String({ description: 'Their name.' }),
}, { $id: 'OfficerRef', additionalProperties: false, description: 'The officer responsible for a step.' })

const SourceAmount = Type.Object({
  source: FundSource,
  amount: Money('The source\'s part.'),
}, { $id: 'SourceAmount', additionalProperties: false, description: 'What one funding source pays.' })

const nullableDate = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description })
const nullableOfficer = (description: string) => Type.Union([Type.Ref('OfficerRef'), Type.Null()], { description })

export const Batch = Type.Object({
  id: uuid('Batch id.'),
  programCode: Type.String({ description: 'The programme paid.' }),
  ruleVersion: Type.Integer({ description: 'The rule version whose amounts and shares it pays.' }),
  period: Type.String({ description: 'The period paid: "2010" or "2010-06".' }),
  regionCode: regionCode('The region paid, its subtree included.'),
  status: Type.Enum([...BATCH_STATUSES], { type: 'string', description: 'draft → submitted → approved → exported → reconciled, or cancelled before export.' }),
  count: Type.Integer({ description: 'Payments in the batch.' }),
  total: Money('The payments\' sum.'),
  bySource: Type.Array(Type.Ref('SourceAmount'), { description: 'The total split by funding source, exact to the fen.' }),
  notPayable: Type.Integer({ description: 'Beneficiaries owed for the period but with no bank account: listed at /v1/payment-batches/{id}/not-payable.' }),
  paid: Type.Integer({ description: 'Payments the bank has settled.' }),
  failed: Type.Integer({ description: 'Payments the bank has refused.' }),
  messageId: Type.String({ description: 'The pain.001 message id (MsgId) of the batch\'s file; the bank\'s results quote it.' }),
  jobId: Type.Union([uuid('The job.'), Type.Null()], { description: 'The job that made the batch.' }),
  createdBy: Type.Ref('OfficerRef'),
  submittedBy: nullableOfficer('Who submitted it.'),
  approvedBy: nullableOfficer('Who approved it: never the submitter.'),
  exportedBy: nullableOfficer('Who handed the file to the bank.'),
  createdAt: Type.String({ format: 'date-time', description: 'When it was made.' }),
  submittedAt: nullableDate('When it was submitted.'),
  approvedAt: nullableDate('When it was approved: also the pain.001 creation time.'),
  exportedAt: nullableDate('When it was marked handed to the bank.'),
  reconciledAt: nullableDate('When every payment was settled.'),
  cancelledAt: nullableDate('When it was cancelled.'),
}, { $id: 'Batch', additionalProperties: false, description: 'A batch of payments of one programme for one period and region.' })

export const BatchPage = pageOf(Type.Ref('Batch'), 'BatchPage', 'A page of payment batches.')

export const BatchListQuery = Type.Object({
  program: Type.Optional(programCode('Only this programme\'s.')),
  status: Type.Optional(Type.Enum([...BATCH_STATUSES], { type: 'string', description: 'Only batches in this state.' })),
  ...pageQuery,
}, { additionalProperties: false })

export const BatchTransition = Type.Object({
  action: Type.Enum([...BATCH_ACTIONS], { type: 'string', description: 'submit (finance officer), approve (a finance approver, not the submitter), export (finance officer: the file was handed to the bank), cancel (before export, reason required).' }),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Why; required to cancel.' })),
}, { $id: 'BatchTransition', additionalProperties: false, description: 'A step on a batch.' })

export const Payment = Type.Object({
  id: uuid('Payment id; its 32 hex digits are the EndToEndId of pain.001 and the 业务编号 of the CSV files.'),
  seq: Type.Integer({ description: 'Its position in the batch\'s files (序号).' }),
  personId: uuid('The beneficiary.'),
  caseId: uuid('The beneficiary\'s case.'),
  name: Type.String({ description: 'The beneficiary\'s name, masked (张*明).' }),
  amount: Money('What is paid.'),
  bySource: Type.Array(Type.Ref('SourceAmount'), { description: 'Its split by funding source.' }),
  status: Type.Enum([...PAYMENT_STATUSES], { type: 'string', description: 'pending until the bank answers; paid or failed; cancelled with its batch.' }),
  reasonCode: Type.Optional(Type.String({ description: 'The bank\'s reason for a failure (pain.002 StsRsnInf/Rsn/Cd, e.g. AC04).' })),
  reason: Type.Optional(Type.String({ description: 'The bank\'s words for a failure (AddtlInf, or 失败原因 of a CSV file).' })),
  account: Type.String({ description: 'The account paid, as snapshot when the batch was made: whole for finance officers and approvers, else masked.' }),
  bankCode: Type.String({ description: 'The payee bank\'s 12-digit CNAPS code (联行号).' }),
  bankName: Type.String({ description: 'The payee bank (开户行名称).' }),
  holderName: Type.String({ description: 'The account holder, masked.' }),
}, { $id: 'Payment', additionalProperties: false, description: 'One payment to one beneficiary for the batch\'s period.' })

export const PaymentPage = pageOf(Type.Ref('Payment'), 'PaymentPage', 'A page of a batch\'s payments, in file order.')

export const PaymentQuery = Type.Object({
  status: Type.Optional(Type.Enum([...PAYMENT_STATUSES], { type: 'string', description: 'Only payments in this state.' })),
  ...pageQuery,
}, { additionalProperties: false })

export const NotPayable = Type.Object({
  personId: uuid('The beneficiary.'),
  caseId: uuid('Their case.'),
  name: Type.String({ description: 'Their name, masked.' }),
  regionCode: regionCode('Where they live.'),
  amount: Money('What they are owed for the period.'),
}, { $id: 'NotPayable', additionalProperties: false, description: 'A beneficiary owed for the period who has no bank account: record one (PUT /v1/persons/{id}/bank-account) and make a new batch.' })

export const NotPayablePage = pageOf(Type.Ref('NotPayable'), 'NotPayablePage', 'A page of the beneficiaries a batch could not pay.')

export const BankResultsOutcome = Type.Object({
  paid: Type.Integer({ description: 'Payments this file settled as paid.' }),
  failed: Type.Integer({ description: 'Payments this file settled as failed.' }),
  batchStatus: Type.Enum([...BATCH_STATUSES], { type: 'string', description: 'The batch\'s state after the file: reconciled once every payment is settled.' }),
}, { $id: 'BankResultsOutcome', additionalProperties: false, description: 'What a bank\'s results file settled.' })

export type FundAllocationCreate = Static<typeof FundAllocationCreate>
export type FundAllocation = Static<typeof FundAllocation>
export type FundAllocationQuery = Static<typeof FundAllocationQuery>
export type BatchCreate = Static<typeof BatchCreate>
export type Batch = Static<typeof Batch>
export type BatchListQuery = Static<typeof BatchListQuery>
export type BatchTransition = Static<typeof BatchTransition>
export type Payment = Static<typeof Payment>
export type PaymentQuery = Static<typeof PaymentQuery>
export type NotPayable = Static<typeof NotPayable>
export type BankResultsOutcome = Static<typeof BankResultsOutcome>

export const DISBURSEMENT_SCHEMAS = [
  FundAllocationCreate, FundAllocation, FundAllocationPage, BatchCreate, OfficerRef, SourceAmount, Batch, BatchPage, BatchTransition,
  Payment, PaymentPage, NotPayable, NotPayablePage, BankResultsOutcome,
]
