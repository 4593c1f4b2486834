import { createCB } from 'xmlbuilder2'
import { formatFen } from '../money.js'
import { endToEndId } from './views.js'
import { shanghaiDateTime, shanghaiDay, type Debtor, type FileHeader, type FilePayment } from './files.js'
import { NAMESPACES } from './xsd.js'

/** ISO 20022's purpose code for social security benefits, used for the category and each transaction. */
const PURPOSE = 'SSBE'

/**
 * Writes a batch as an ISO 20022 pain.001.001.10 customer credit transfer initiation
 * (DESIGN §6), streamed: the header from the batch, then one CdtTrfTxInf per payment as
 * the chunks arrive. The message id and creation time come from the batch and its
 * approval, so the file is the same bytes every time it is asked for.
 */
export async function * buildPain001 (header: FileHeader, debtor: Debtor, payments: AsyncIterable<FilePayment[]>): AsyncGenerator<string> {
  let out: string[] = []
  const xml = createCB({ data: (text: string) => { out.push(text) }, prettyPrint: true, indent: '', newline: '\n' })
  const flush = () => {
    const text = out.join('')
    out = []
    return text
  }
  const agent = (code: string) => xml.ele('FinInstnId').ele('ClrSysMmbId').ele('ClrSysId').ele('Cd').txt('CNAPS').up().up().ele('MmbId').txt(code).up().up().up()
  const count = String(header.count)
  const total = formatFen(header.totalFen)

  xml.dec({ version: '1.0', encoding: 'UTF-8' })
  xml.ele('Document', { xmlns: NAMESPACES['pain.001.001.10'] }).ele('CstmrCdtTrfInitn')
  xml.ele('GrpHdr')
    .ele('MsgId').txt(header.messageId).up()
    .ele('CreDtTm').txt(shanghaiDateTime(header.approvedAt)).up()
    .ele('NbOfTxs').txt(count).up()
    .ele('CtrlSum').txt(total).up()
    .ele('InitgPty').ele('Nm').txt(debtor.name).up().up()
    .up()
  xml.ele('PmtInf')
    .ele('PmtInfId').txt(`P${header.messageId.slice(2)}`).up()
    .ele('PmtMtd').txt('TRF').up()
    .ele('BtchBookg').txt('false').up()
    .ele('NbOfTxs').txt(count).up()
    .ele('CtrlSum').txt(total).up()
    .ele('PmtTpInf').ele('CtgyPurp').ele('Cd').txt(PURPOSE).up().up().up()
    .ele('ReqdExctnDt').ele('Dt').txt(shanghaiDay(header.approvedAt)).up().up()
    .ele('Dbtr').ele('Nm').txt(debtor.name).up().up()
    .ele('DbtrAcct').ele('Id').ele('Othr').ele('Id').txt(debtor.account).up().up().up().ele('Ccy').txt('CNY').up().up()
    .ele('DbtrAgt')
  agent(debtor.bankCode)
  xml.up().ele('ChrgBr').txt('DEBT').up()
  yield flush()

  for await (const chunk of payments) {
    for (const payment of chunk) {
      xml.ele('CdtTrfTxInf')
        .ele('PmtId').ele('InstrId').txt(String(payment.seq)).up().ele('EndToEndId').txt(endToEndId(payment.id)).up().up()
        .ele('Amt').ele('InstdAmt', { Ccy: 'CNY' }).txt(formatFen(payment.amountFen)).up().up()
        .ele('CdtrAgt')
      agent(payment.branchCode)
      xml.up()
        .ele('Cdtr').ele('Nm').txt(payment.holderName).up().up()
        .ele('CdtrAcct').ele('Id').ele('Othr').ele('Id').txt(payment.accountNumber).up().up().up().up()
        .ele('Purp').ele('Cd').txt(PURPOSE).up().up()
        .ele('RmtInf').ele('Ustrd').txt(header.purpose).up().up()
        .up()
    }
    yield flush()
  }
  xml.up().up().up()
  xml.end()
  yield flush()
}
