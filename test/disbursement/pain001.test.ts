import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { XmlDocument, XsdValidator } from 'libxml2-wasm'
import t from 'tap'
import type { FilePayment } from '../../src/domain/disbursement/files.js'
import { buildPain001 } from '../../src/domain/disbursement/pain001.js'

// 120 payments of 720.00 yuan, one of 0.01: 86,400.01 yuan in all, worked out by hand.
const payments: FilePayment[] = Array.from({ length: 121 }, (_, index) => ({
  id: randomUUID(), seq: index + 1, amountFen: index === 120 ? 1 : 72_000, bankName: '农村信用社', branchCode: '402521000032',
  accountNumber: `62220000000${String(index).padStart(4, '0')}`, holderName: index % 2 ? '张三' : '欧阳明华',
}))
const header = {
  batchId: randomUUID(), messageId: `HM${'0'.repeat(32)}`, approvedAt: new Date('2010-04-20T01:00:00Z'), count: 121, totalFen: 8_640_001, purpose: '2010年 农村部分计划生育家庭奖励扶助',
}
const debtor = { name: '江岸区财政局', account: '6222000000009999', bankCode: '402521000099' }

async function file (chunk: number): Promise<string> {
  async function * chunks () { for (let start = 0; start < payments.length; start += chunk) yield payments.slice(start, start + chunk) }
  let text = ''
  for await (const piece of buildPain001(header, debtor, chunks())) text += piece
  return text
}

t.test('a file of 121 payments, read 250 at a time and built in pieces, is one valid document with every payment once, in order', async (t) => {
  const whole = await file(250)
  t.equal(await file(7), whole, 'the same bytes however the payments arrive')
  const schema = XmlDocument.fromBuffer(await readFile(new URL('../../schemas/iso20022/pain.001.001.10.xsd', import.meta.url)))
  const validator = XsdValidator.fromDoc(schema)
  const document = XmlDocument.fromString(whole)
  t.teardown(() => { document.dispose(); validator.dispose(); schema.dispose() })
  t.doesNotThrow(() => validator.validate(document), 'valid against the official schema')
  const ns = { p: 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.10' }
  t.equal(document.get('//p:GrpHdr/p:NbOfTxs', ns)!.content, '121')
  t.equal(document.get('//p:GrpHdr/p:CtrlSum', ns)!.content, '86400.01')
  t.same(document.find('//p:CdtTrfTxInf/p:PmtId/p:InstrId', ns).map((node) => node.content), payments.map((payment) => String(payment.seq)))
  t.equal(document.find('//p:CdtTrfTxInf/p:Amt/p:InstdAmt', ns).at(-1)!.content, '0.01')
  t.equal(document.find('//p:CdtTrfTxInf/p:Cdtr/p:Nm', ns)[0]!.content, '欧阳明华')
})
