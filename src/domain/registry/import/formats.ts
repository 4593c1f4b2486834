import type { ErrorObject } from 'ajv'
import { requestAjv } from '../../../http/validator.js'
import { findUncleanData } from '../../../http/text.js'
import { HouseholdCreate, MemberCreate } from '../schemas.js'
import type { HouseholdCreate as HouseholdBody, MemberCreate as MemberBody } from '../schemas.js'

/**
 * Reading an import file. Whatever a row holds, its message names the row, the column
 * (or the field's path) and the rule it breaks, never the value: job results are read
 * by every officer of the region, and a value may be someone's ID number.
 */

/** A refused row and why. */
export interface RowError { row: number, message: string }

/** One household read from a file, with the rows it came from, or the rows at fault. */
export type ImportedHousehold =
  | { rows: number[], household: HouseholdBody }
  | { rows: number[], faults: RowError[] }

export type ImportFormat = 'csv' | 'ndjson' | 'xlsx'

// The same validator set-up as the API's, so a file says no more and no less than a request.
const ajv = requestAjv({ coerceTypes: false })
ajv.addSchema(MemberCreate)
const validHousehold = ajv.compile<HouseholdBody>(HouseholdCreate)

/**
 * The first schema error of a household body, as a field path and a rule; undefined
 * when the body is valid. A table's reader has checked the text of every cell already.
 */
export function schemaFault (body: unknown, { textChecked = false } = {}): { path: string, rule: string } | undefined {
  const unclean = textChecked ? undefined : findUncleanData(body)
  if (unclean !== undefined) return unclean
  if (validHousehold(body)) return undefined
  const error = (validHousehold.errors ?? [])[0] as ErrorObject
  if (error.keyword === 'additionalProperties') return { path: `${error.instancePath}/${String(error.params.additionalProperty)}`, rule: 'unknown field' }
  if (error.keyword === 'required') return { path: `${error.instancePath}/${String(error.params.missingProperty)}`, rule: 'is required' }
  const allowed = Array.isArray(error.params.allowedValues) ? `: ${error.params.allowedValues.join(', ')}` : ''
  return { path: error.instancePath || '/', rule: `${error.message ?? 'is invalid'}${allowed}` }
}

/**
 * Where a problem with a household's field lies, in the file's own terms: for a table
 * (CSV, a workbook) the row of the member and the column; for NDJSON the line and the field's path.
 */
export function locate (format: ImportFormat, rows: number[], path: string): { row: number, where: string } {
  const member = /^\/members\/(\d+)(?:\/([^/]+))?/.exec(path)
  if (format === 'ndjson') return { row: rows[0]!, where: path }
  const row = member ? rows[Math.min(Number(member[1]), rows.length - 1)]! : rows[0]!
  const field = member ? member[2] : path.split('/')[1]
  // A CSV has no link columns: its children are linked through their relationship to the head.
  const column = field === 'motherId' || field === 'fatherId' ? 'relationship' : field
  return { row, where: column ? `column ${column}` : 'the row' }
}

/** The faults of a household at one row: that row says why, the household's other rows say which row to look at. */
export function householdFaults (rows: number[], at: number, message: string): RowError[] {
  return rows.map((row) => ({ row, message: row === at ? message : `not imported: row ${at} of its household is invalid` }))
}

/** NDJSON: each line is one household, exactly the body of POST /v1/households. Rows are line numbers. */
export function readNdjson (text: string): ImportedHousehold[] {
  const households: ImportedHousehold[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return
    const rows = [index + 1]
    let body: unknown
    try {
      body = JSON.parse(line)
    } catch {
      households.push({ rows, faults: [{ row: index + 1, message: 'not valid JSON' }] })
      return
    }
    const fault = schemaFault(body)
    households.push(fault ? { rows, faults: [{ row: index + 1, message: `${fault.path}: ${fault.rule}` }] } : { rows, household: body as HouseholdBody })
  })
  return households
}

