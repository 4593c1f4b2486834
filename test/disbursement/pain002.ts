/** A bank's pain.002.001.11 status report, shaped like the official example, for the tests to answer batches with. */
export interface StatusLine {
  endToEndId: string
  status: 'ACSC' | 'ACCC' | 'ACSP' | 'RJCT' | 'PDNG'
  reasonCode?: string
  reason?: string
  amount?: string
}

export function pain002 (report: {
  answers: string
  count?: number
  sum?: string
  perStatus?: Array<{ status: string, count: number, sum?: string }>
  lines: StatusLine[]
  /** Leaves out the group header's message id: invalid against the schema. */
  withoutMessageId?: boolean
}): string {
  const totals = (count?: number, sum?: string) => `${count === undefined ? '' : `<OrgnlNbOfTxs>${count}</OrgnlNbOfTxs>`}${sum === undefined ? '' : `<OrgnlCtrlSum>${sum}</OrgnlCtrlSum>`}`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11">',
    '<CstmrPmtStsRpt>',
    `<GrpHdr>${report.withoutMessageId ? '' : '<MsgId>BANKSTS-0001</MsgId>'}<CreDtTm>2011-01-20T16:05:00+08:00</CreDtTm></GrpHdr>`,
    `<OrgnlGrpInfAndSts><OrgnlMsgId>${report.answers}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.10</OrgnlMsgNmId>${totals(report.count, report.sum)}<GrpSts>PART</GrpSts>`,
    ...(report.perStatus ?? []).map((each) => `<NbOfTxsPerSts><DtldNbOfTxs>${each.count}</DtldNbOfTxs><DtldSts>${each.status}</DtldSts>${each.sum ? `<DtldCtrlSum>${each.sum}</DtldCtrlSum>` : ''}</NbOfTxsPerSts>`),
    '</OrgnlGrpInfAndSts>',
    `<OrgnlPmtInfAndSts><OrgnlPmtInfId>P${report.answers.slice(2)}</OrgnlPmtInfId>${totals(report.count, report.sum)}<PmtInfSts>PART</PmtInfSts>`,
    ...report.lines.map((line, index) => [
      `<TxInfAndSts><StsId>S${index + 1}</StsId><OrgnlEndToEndId>${line.endToEndId}</OrgnlEndToEndId><TxSts>${line.status}</TxSts>`,
      line.reasonCode ? `<StsRsnInf><Rsn><Cd>${line.reasonCode}</Cd></Rsn>${line.reason ? `<AddtlInf>${line.reason}</AddtlInf>` : ''}</StsRsnInf>` : '',
      `<AcctSvcrRef>BK${index + 1}</AcctSvcrRef>`,
      line.amount ? `<OrgnlTxRef><Amt><InstdAmt Ccy="CNY">${line.amount}</InstdAmt></Amt></OrgnlTxRef>` : '',
      '</TxInfAndSts>',
    ].join('')),
    '</OrgnlPmtInfAndSts>',
    '</CstmrPmtStsRpt>',
    '</Document>',
  ].join('\n')
}

export const hex = (id: string) => id.replaceAll('-', '')
