import ExcelJS from 'exceljs'

/**
 * Opens a workbook's bytes with exceljs and gives its one sheet and that sheet's rows as
 * the CSV writes them: a number formatted '0.00' as its 2 decimals, anything else as text.
 */
export async function openSheet (bytes: Buffer) {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]!
  const asText = (cell: ExcelJS.Cell) => typeof cell.value === 'number' && cell.numFmt === '0.00' ? cell.value.toFixed(2) : String(cell.value)
  const rows: string[][] = []
  sheet.eachRow((row) => {
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell) => { cells.push(asText(cell)) })
    rows.push(cells)
  })
  return { sheets: workbook.worksheets.length, sheet, rows }
}
