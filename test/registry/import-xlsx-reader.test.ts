import ExcelJS from 'exceljs'
import t from 'tap'
import { readXlsx } from '../../src/domain/registry/import/xlsx.js'

/**
 * exceljs writes a workbook's sheets before its shared strings and the workbook part: a
 * reader that takes the zip in one pass has to hold the sheets until those come, and
 * exceljs's streaming reader, depending on timing, lost a part on the way — about one
 * read in a hundred of this workbook was refused as damaged (exceljs issue #3064). A
 * thousand reads, one after another, must all read the same three households.
 */
t.test('one small workbook read a thousand times reads the same every time', async (t) => {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('户籍')
  sheet.getColumn(6).numFmt = '@'
  sheet.addRow(['户号', '区划代码', '户口类型', '地址', '姓名', '身份证号', '性别', '出生日期', '与户主关系'])
  sheet.addRow(['甲', '420102001001', '农业', '甲号', '数一', 420102194803011235, '男', '1948-03-01', '户主'])
  sheet.addRow(['乙', '420102001001', '农业', '乙号', '日二', '420102195005064512', '女', new Date(Date.UTC(1950, 4, 6)), '户主'])
  sheet.addRow([])
  sheet.addRow(['丙', '420102001001', '农业', '丙号', '日三', '420102500101011', '男', 18264, '户主'])
  book.addWorksheet('说明').addRow(['not read'])
  const bytes = Buffer.from(await book.xlsx.writeBuffer())

  const outcomes = new Map<string, number>()
  for (let read = 0; read < 1000; read++) {
    const outcome = await readXlsx(bytes).then((households) => JSON.stringify(households.map((household) => household.rows)), String)
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
  }
  t.same([...outcomes], [['[[1],[2],[4]]', 1000]], 'households of rows 1, 2 and 4 (row 3 is empty), a thousand times')
})
