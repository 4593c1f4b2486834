import { PassThrough, type Readable } from 'node:stream'

/** How a column is written: text (format '@', so Excel never reads a number into it), a count, or yuan as a number shown with 2 decimals. */
export type XlsxColumnKind = 'text' | 'count' | 'yuan'

export interface XlsxColumn { header: string, kind: XlsxColumnKind }

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const FORMATS: Record<XlsxColumnKind, string> = { text: '@', count: '0', yuan: '0.00' }

/** A cell's value as its kind says: yuan strings ('720.00') become the number they write, text stays a string. */
function cellOf (kind: XlsxColumnKind, value: string | number): string | number {
  if (kind === 'text') return String(value)
  return typeof value === 'number' ? value : Number(value)
}

/**
 * Writes one sheet, header row first, with exceljs's streaming WorkbookWriter: rows are
 * committed as they come, so a batch of any size is never held whole.
 */
export function xlsxStream (sheetName: string, columns: XlsxColumn[], rows: AsyncIterable<Array<Array<string | number>>> | Iterable<Array<Array<string | number>>>): Readable {
  const out = new PassThrough()
  const write = async () => {
    const { default: ExcelJS } = await import('exceljs') // loaded when a workbook is asked for: it weighs on every start otherwise
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    const sheet = workbook.addWorksheet(sheetName)
    sheet.columns = columns.map((column) => ({ key: column.header, width: Math.max(10, column.header.length * 2 + 2), style: { numFmt: FORMATS[column.kind] } }))
    const head = sheet.addRow(columns.map((column) => column.header))
    head.eachCell((cell) => { cell.numFmt = '@' })
    head.commit()
    for await (const chunk of rows) {
      for (const values of chunk) {
        const row = sheet.addRow(values.map((value, i) => cellOf(columns[i]!.kind, value)))
        row.eachCell((cell, n) => { cell.numFmt = FORMATS[columns[n - 1]!.kind] })
        row.commit()
      }
    }
    sheet.commit()
    await workbook.commit()
  }
  write().catch((error: unknown) => out.destroy(error as Error))
  return out
}
