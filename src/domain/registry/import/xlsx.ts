import { JobFailure } from '../../jobs/define.js'
import type { ImportedHousehold } from './formats.js'
import { readTable, type TableRow } from './table.js'

/**
 * A workbook (.xlsx): its first sheet, header row first, the same columns as a CSV.
 * The workbook is read whole through the zip's central directory (exceljs's
 * Workbook.xlsx.load), not with exceljs's streaming reader: that one reads the zip in a
 * single pass and, depending on timing, loses parts of it (exceljs issue #3064) — a
 * workbook that it read one time it refused as damaged another, and a part lost from a
 * sheet would be rows lost without a word. Whole, 100,000 rows cost about 1 s more to read
 * and 35–65 MB more at the peak (docs/decisions.md). Row 1 is the first row after the
 * header; empty rows are passed over.
 */
export async function readXlsx (bytes: Buffer): Promise<ImportedHousehold[]> {
  const { default: ExcelJS } = await import('exceljs') // loaded when a workbook comes: it weighs on every start otherwise
  const book = new ExcelJS.Workbook()
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer) // exceljs declares its own Buffer, an ArrayBuffer; Node's Buffer is what it reads
  } catch {
    throw new JobFailure('the workbook cannot be read: it is not an .xlsx file, or it is damaged')
  }
  const sheet = book.worksheets[0]
  if (!sheet) return []
  let header: { number: number, cells: string[] } | undefined
  const rows: TableRow[] = []
  sheet.eachRow((row) => {
    const cells = textOf(row.values as unknown[])
    if (cells.every((cell) => cell.trim() === '')) return
    if (!header) header = { number: row.number, cells }
    else rows.push({ row: row.number - header.number, cells })
  })
  return header ? readTable(header.cells, rows) : []
}

/** A row's cells as text; exceljs's values are 1-based and sparse. */
function textOf (values: unknown[]): string[] {
  const cells: string[] = []
  for (let index = 1; index < values.length; index++) cells.push(cellText(values[index]))
  return cells
}

/**
 * A cell as the text it holds. A date cell is its day; a whole number short enough for
 * Excel to keep every digit is its digits; a longer one is written as Excel shows it,
 * in scientific notation, which the ID number column names as damage (its last digits
 * are gone whatever they were).
 */
function cellText (value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 1e15) return value.toExponential().toUpperCase()
    return String(value)
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    const cell = value as { richText?: Array<{ text: string }>, result?: unknown, text?: unknown, error?: string }
    if (cell.richText) return cell.richText.map((part) => part.text).join('')
    if ('result' in cell) return cellText(cell.result)
    if (typeof cell.text === 'string') return cell.text
    if (cell.error) return cell.error
  }
  return ''
}
