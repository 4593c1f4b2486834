import { XMLBuilder } from 'fast-xml-parser'
import { formatFen } from '../money.js'
import { endToEndId } from './views.js'
import { shanghaiDateTime, shanghaiDay, type Debtor, type FileHeader, type FilePayment } from './files.js'
import { NAMESPACES } from './xsd.js'

/** ISO 20022's purpose code for social security benefits, used for the category and each transaction. */
const PURPOSE = 'SSBE'
/** Where the transactions go in the document's shell. */
const TRANSACTIONS = 'HUIMIN-TRANSACTIONS'

const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '', suppressEmptyNode: true })

const agent = (code: string) => ({ FinInstnId: { ClrSysMmbId: { ClrSysId: { Cd: 'CNAPS' }, MmbId: code } } })

function transaction (payment: FilePayment, purpose: string) {
  return {
    PmtId: { InstrId: String(payment.seq), EndToEndId: endToEndId(payment.id) },
    Amt: { InstdAmt: { '@Ccy': 'CNY', '#text': formatFen(payment.amountFen) } },
    CdtrAgt: agent(payment.branchCode),
    Cdtr: { Nm: payment.holderName },
    CdtrAcct: { Id: { Othr: { Id: payment.accountNumber } } },
    Purp: { Cd: PURPOSE },
    RmtInf: { Ustrd: purpose },
  }
}

/**
 * Writes a batch as an ISO 20022 pain.001.001.10 customer credit transfer initiation
 * (DESIGN §6), streamed: the document's shell (group header, payment information) is
 * built once with the transactions left out, then one CdtTrfTxInf per payment is built
 * as the chunks arrive. The message id and creation time come from the batch and its
 * approval, so the file is the same bytes every time it is asked for.
 */
export async function * buildPain001 (header: FileHeader, debtor: Debtor, payments: AsyncIterable<FilePayment[]>): AsyncGenerator<string> {
  const count = String(header.count)
  const total = formatFen(header.totalFen)
  const shell = xml.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    Document: {
      '@xmlns': NAMESPACES['pain.001.001.10'],
      CstmrCdtTrfInitn: {
        GrpHdr: {
          MsgId: header.messageId,
          CreDtTm: shanghaiDateTime(header.approvedAt),
          NbOfTxs: count,
          CtrlSum: total,
          InitgPty: { Nm: debtor.name },
        },
        PmtInf: {
          PmtInfId: `P${header.messageId.slice(2)}`,
          PmtMtd: 'TRF',
          BtchBookg: 'false',
          NbOfTxs: count,
          CtrlSum: total,
          PmtTpInf: { CtgyPurp: { Cd: PURPOSE } },
          ReqdExctnDt: { Dt: shanghaiDay(header.approvedAt) },
          Dbtr: { Nm: debtor.name },
          DbtrAcct: { Id: { Othr: { Id: debtor.account } }, Ccy: 'CNY' },
          DbtrAgt: agent(debtor.bankCode),
          ChrgBr: 'DEBT',
          CdtTrfTxInf: TRANSACTIONS,
        },
      },
    },
  }) as string
  const marker = `<CdtTrfTxInf>${TRANSACTIONS}</CdtTrfTxInf>\n`
  const cut = shell.indexOf(marker)
  yield shell.slice(0, cut)
  for await (const chunk of payments) {
    yield xml.build({ CdtTrfTxInf: chunk.map((payment) => transaction(payment, header.purpose)) }) as string
  }
  yield shell.slice(cut + marker.length)
}
