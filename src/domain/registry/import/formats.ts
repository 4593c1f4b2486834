import { parse } from 'csv-parse/sync'
import type { ErrorObject } from 'ajv'
import { requestAjv } from '../../../http/validator.js'
import { findUncleanData, isCleanText, UNCLEAN_TEXT } from '../../../http/text.js'
import { JobFailure } from '../../jobs/define.js'
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

export type ImportFormat = 'csv' | 'ndjson'

/** CSV columns, by their English and Chinese header names. */
const COLUMNS: Record<string, string> = {
  household: 'household', 户号: 'household',
  regionCode: 'regionCode', 区划代码: 'regionCode',
  hukouType: 'hukouType', 户口类型: 'hukouType',
  address: 'address', 地址: 'address',
  name: 'name', 姓名: 'name',
  idNumber: 'idNumber', 身份证号: 'idNumber',
  sex: 'sex', 性别: 'sex',
  birthDate: 'birthDate', 出生日期: 'birthDate',
  relationship: 'relationship', 与户主关系: 'relationship',
  deathDate: 'deathDate', 死亡日期: 'deathDate',
  adopted: 'adopted', 是否收养: 'adopted',
  disabilityGrade: 'disabilityGrade', 残疾等级: 'disabilityGrade',
  disabilityCertificate: 'disabilityCertificate', 残疾证号: 'disabilityCertificate',
}
const REQUIRED_COLUMNS = ['household', 'regionCode', 'hukouType', 'address', 'name', 'idNumber', 'sex', 'birthDate', 'relationship']

/** Values may be written in Chinese too. */
const VALUES: Record<string, Record<string, string>> = {
  sex: { 男: 'male', 女: 'female' },
  relationship: { 户主: 'head', 配偶: 'spouse', 子女: 'child', 父母: 'parent', 其他: 'other' },
  hukouType: { 农业: 'agricultural', 农村居民: 'rural_resident', 非农业: 'non_agricultural' },
  adopted: { 是: 'true', 否: 'false', 1: 'true', 0: 'false' },
}

// The same validator set-up as the API's, so a file says no more and no less than a request.
const ajv = requestAjv({ coerceTypes: false })
ajv.addSchema(MemberCreate)
const validHousehold = ajv.compile<HouseholdBody>(HouseholdCreate)

/** The first schema error of a household body, as a field path and a rule; undefined when the body is valid. */
function schemaFault (body: unknown): { path: string, rule: string } | undefined {
  const unclean = findUncleanData(body)
  if (unclean !== undefined) return unclean
  if (validHousehold(body)) return undefined
  const error = (validHousehold.errors ?? [])[0] as ErrorObject
  if (error.keyword === 'additionalProperties') return { path: `${error.instancePath}/${String(error.params.additionalProperty)}`, rule: 'unknown field' }
  if (error.keyword === 'required') return { path: `${error.instancePath}/${String(error.params.missingProperty)}`, rule: 'is required' }
  const allowed = Array.isArray(error.params.allowedValues) ? `: ${error.params.allowedValues.join(', ')}` : ''
  return { path: error.instancePath || '/', rule: `${error.message ?? 'is invalid'}${allowed}` }
}

/**
 * Where a problem with a household's field lies, in the file's own terms: for CSV the
 * row of the member and the column; for NDJSON the line and the field's path.
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
  const columns = header.map((name) => Object.hasOwn(COLUMNS, name) ? COLUMNS[name] : undefined)
  // Unknown columns are named by position, never by their text: a file without a header
  // row has a person's name and ID number where the header should be.
  const unknown = header.map((_, index) => index + 1).filter((position) => columns[position - 1] === undefined)
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column))
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [
      ...(unknown.length ? [`unknown columns at positions ${unknown.join(', ')}`] : []),
      ...(missing.length ? [`missing columns: ${missing.join(', ')}`] : []),
      ...(unknown.length === header.length ? ['is the header row missing?'] : []),
    ]
    throw new JobFailure(`the header row is not one this import reads: ${problems.join('; ')}`)
  }
  const householdPosition = columns.indexOf('household')
  const nameAt = (position: number) => columns[position - 1] ? `column ${columns[position - 1]}` : `column ${position}`

  type Group = { rows: number[], fields: Array<Record<string, string>>, faults: RowError[] }
  const groups = new Map<string, Group>()
  const groupOf = (key: string) => {
    let group = groups.get(key)
    if (!group) groups.set(key, group = { rows: [], fields: [], faults: [] })
    return group
  }
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!
    if (line.trim() === '') continue
    const row = index - headerIndex
    const read = fieldsOf(line)
    if (!Array.isArray(read)) {
      // The household of a row whose quoting breaks after its household column is still
      // known: that household is refused whole rather than imported without this member.
      const key = read.position > householdPosition + 1 ? line.split(',')[householdPosition]?.trim() : undefined
      const group = groupOf(key ? `key:${key}` : `row:${row}`)
      group.rows.push(row)
      group.fields.push({})
      group.faults.push({ row, message: `${nameAt(read.position)}: broken quoting: ${read.rule}` })
      continue
    }
    const fields: Record<string, string> = {}
    let fault: string | undefined
    read.forEach((value, position) => {
      const column = columns[position]
      if (fault === undefined && !isCleanText(value)) fault = `${nameAt(position + 1)}: ${UNCLEAN_TEXT}`
      if (column && value !== '') fields[column] = translated(column, value)
    })
    const group = groupOf(fields.household ? `key:${fields.household}` : `row:${row}`)
    group.rows.push(row)
    group.fields.push(fields)
    if (fault) group.faults.push({ row, message: fault })
  }
  return [...groups.values()].map(({ rows, fields, faults }): ImportedHousehold => {
    if (faults.length > 0) {
      const first = faults[0]!.row
      return { rows, faults: rows.map((row) => faults.find((each) => each.row === row) ?? { row, message: `not imported: row ${first} of its household is invalid` }) }
    }
    const first = fields[0]!
    const body = {
      regionCode: first.regionCode,
      hukouType: first.hukouType,
      address: first.address,
      members: fields.map(memberOf),
    }
    const fault = schemaFault(body)
    if (!fault) return { rows, household: body as HouseholdBody }
    const { row, where } = locate('csv', rows, fault.path)
    return { rows, faults: householdFaults(rows, row, `${where}: ${fault.rule}`) }
  })
}

/** A value written in Chinese, in the API's words; any other value as it is. */
function translated (column: string, value: string): string {
  const values = VALUES[column]
  return values && Object.hasOwn(values, value) ? values[value]! : value
}

function memberOf (fields: Record<string, string>): Partial<MemberBody> {
  const member: Record<string, unknown> = {
    name: fields.name,
    idNumber: fields.idNumber,
    sex: fields.sex,
    birthDate: fields.birthDate,
    relationship: fields.relationship,
  }
  if (fields.deathDate) member.deathDate = fields.deathDate
  if (fields.adopted) member.adopted = fields.adopted === 'true' ? true : fields.adopted === 'false' ? false : fields.adopted
  if (fields.disabilityGrade) member.disabilityGrade = /^\d+$/.test(fields.disabilityGrade) ? Number(fields.disabilityGrade) : fields.disabilityGrade
  if (fields.disabilityCertificate) member.disabilityCertificate = fields.disabilityCertificate
  return member as Partial<MemberBody>
}
