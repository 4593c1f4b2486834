import { parse } from 'csv-parse/sync'
import { JobFailure } from '../../jobs/define.js'
import type { ImportedHousehold } from './formats.js'
import { readTable, type TableRow } from './table.js'

/** What csv-parse's codes mean, said without the field (its messages quote it). */
const QUOTING_RULES: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside a field that does not start with one (write it as "" inside a quoted field)',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field goes on after its closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed on its row (a field cannot hold a line break)',
}

/** The fields of one line, or the position and rule of its broken quoting. */
function fieldsOf (line: string): string[] | { position: number, rule: string } {
  // Most rows quote nothing: split them at once; csv-parse reads the others.
  if (!line.includes('"')) return line.split(',').map((field) => field.trim())
  try {
    const [record] = parse(line, { trim: true, relax_column_count: true }) as string[][]
    return record ?? []
  } catch (error) {
    const { code, column } = error as { code?: string, column?: unknown }
    return { position: typeof column === 'number' ? column + 1 : 0, rule: QUOTING_RULES[code ?? ''] ?? 'the quoting is broken' }
  }
}

/**
 * CSV: one row per person, grouped into households by the household column; the
 * household's region, hukou type and address come from its first row. Row 1 is the
 * first line after the header, and each line is one row: a quoted field cannot hold a
 * line break, so a row with broken quoting is refused alone and the rest are read. A
 * header it cannot read fails the whole import.
 */
export function readCsv (text: string): ImportedHousehold[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const headerIndex = lines.findIndex((line) => line.trim() !== '')
  if (headerIndex === -1) return []
  const header = fieldsOf(lines[headerIndex]!)
  if (!Array.isArray(header)) throw new JobFailure(`the header row cannot be read: ${header.rule}`)
  return readTable(header, rowsOf(lines, headerIndex))
}

function * rowsOf (lines: string[], headerIndex: number): Generator<TableRow> {
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!
    if (line.trim() === '') continue
    const row = index - headerIndex
    const read = fieldsOf(line)
    yield Array.isArray(read) ? { row, cells: read }
      : { row, broken: { position: read.position, rule: `broken quoting: ${read.rule}` }, roughCells: line.split(',') }
  }
}
