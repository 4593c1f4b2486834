import type { XmlElement, XmlNode } from 'libxml2-wasm'
import { fenOf, type BankReport, type ReportLine } from './bank-report.js'
import { NAMESPACES, parseValid } from './xsd.js'

const ns = { p: NAMESPACES['pain.002.001.11'] }

/** Transaction statuses that settle a payment as paid: settled, or accepted for settlement. */
const PAID = new Set(['ACSC', 'ACCC', 'ACSP'])
const FAILED = new Set(['RJCT'])

const text = (node: XmlNode | null): string | null => node ? node.content.trim() : null
const at = (node: XmlNode, path: string) => text(node.get(path, ns))

/**
 * Reads a pain.002.001.11 customer payment status report: validated against the
 * shipped schema first (a report invalid against it is refused whole, each problem at
 * its line), then its original message id, its totals (the original count and sum,
 * and the count and sum per status) and one line per transaction.
 */
export async function readPain002 (bytes: Uint8Array): Promise<BankReport> {
  const parsed = await parseValid('pain.002.001.11', bytes)
  if ('problems' in parsed) {
    return {
      format: 'pain.002', answers: null, answersLine: 0, lines: [], totals: [],
      problems: parsed.problems.map((problem) => ({ line: problem.line, code: 'bank_file_invalid', message: problem.message })),
    }
  }
  const { document } = parsed
  try {
    const group = document.get('/p:Document/p:CstmrPmtStsRpt/p:OrgnlGrpInfAndSts', ns) as XmlElement
    const report: BankReport = { format: 'pain.002', answers: at(group, 'p:OrgnlMsgId'), answersLine: group.line, lines: [], totals: [], problems: [] }
    const amount = (node: XmlNode, path: string) => {
      const found = at(node, path)
      return found === null ? null : fenOf(found)
    }
    const count = (node: XmlNode, path: string) => {
      const found = at(node, path)
      return found === null ? null : Number(found)
    }
    report.totals.push({ line: group.line, what: 'OrgnlGrpInfAndSts', statuses: null, count: count(group, 'p:OrgnlNbOfTxs'), sumFen: amount(group, 'p:OrgnlCtrlSum') })
    for (const perStatus of group.find('p:NbOfTxsPerSts', ns)) {
      const status = at(perStatus, 'p:DtldSts')!
      report.totals.push({ line: perStatus.line, what: `NbOfTxsPerSts ${status}`, statuses: [status], count: count(perStatus, 'p:DtldNbOfTxs'), sumFen: amount(perStatus, 'p:DtldCtrlSum') })
    }
    for (const information of document.find('/p:Document/p:CstmrPmtStsRpt/p:OrgnlPmtInfAndSts', ns)) {
      report.totals.push({ line: information.line, what: 'OrgnlPmtInfAndSts', statuses: null, count: count(information, 'p:OrgnlNbOfTxs'), sumFen: amount(information, 'p:OrgnlCtrlSum') })
      for (const transaction of information.find('p:TxInfAndSts', ns)) {
        const status = at(transaction, 'p:TxSts') ?? ''
        const line: ReportLine = {
          line: transaction.line,
          endToEndId: at(transaction, 'p:OrgnlEndToEndId') ?? '',
          outcome: PAID.has(status) ? 'paid' : FAILED.has(status) ? 'failed' : 'open',
          status,
          reasonCode: at(transaction, 'p:StsRsnInf/p:Rsn/p:Cd') ?? at(transaction, 'p:StsRsnInf/p:Rsn/p:Prtry'),
          reason: at(transaction, 'p:StsRsnInf/p:AddtlInf'),
          amountFen: amount(transaction, 'p:OrgnlTxRef/p:Amt/p:InstdAmt'),
        }
        if (!line.endToEndId) report.problems.push({ line: line.line, code: 'unknown_payment', message: 'The transaction names no OrgnlEndToEndId: it cannot be matched to a payment.' })
        else report.lines.push(line)
      }
    }
    return report
  } finally {
    document.dispose()
  }
}
