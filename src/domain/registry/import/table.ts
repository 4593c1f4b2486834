import { isCleanText, UNCLEAN_TEXT } from '../../../http/text.js'
import { JobFailure } from '../../jobs/define.js'
import type { HouseholdCreate as HouseholdBody, MemberCreate as MemberBody } from '../schemas.js'
import { excelDamage, readDate } from './cells.js'
import { householdFaults, locate, schemaFault, type ImportedHousehold, type RowError } from './formats.js'

/**
 * A table of persons — a CSV or a workbook's first sheet — read into households: one
 * row per person, grouped by the household column; the household's region, hukou type
 * and address come from its first row.
 */

/** Columns, by their English and Chinese header names. */
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

/** One row after the header: its cells as text, or the position and rule that kept them from being read, with the cells as far as they can be told apart. */
export type TableRow =
  | { row: number, cells: string[] }
  | { row: number, broken: { position: number, rule: string }, roughCells: string[] }

/**
 * The households of a table. A header it cannot read fails the whole import; a row
 * that cannot be read, or whose cells Excel damaged, is refused with its household.
 */
export function readTable (header: string[], rows: Iterable<TableRow>): ImportedHousehold[] {
  const columns = header.map((name) => Object.hasOwn(COLUMNS, name.trim()) ? COLUMNS[name.trim()] : undefined)
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
  for (const read of rows) {
    const { row } = read
    if ('broken' in read) {
      // The household of a row that breaks after its household column is still known:
      // that household is refused whole rather than imported without this member.
      const key = read.broken.position > householdPosition + 1 ? read.roughCells[householdPosition]?.trim() : undefined
      const group = groupOf(key ? `key:${key}` : `row:${row}`)
      group.rows.push(row)
      group.fields.push({})
      group.faults.push({ row, message: `${nameAt(read.broken.position)}: ${read.broken.rule}` })
      continue
    }
    const fields: Record<string, string> = {}
    let fault: string | undefined
    read.cells.forEach((cell, position) => {
      const column = columns[position]
      const value = cell.trim()
      if (fault === undefined && !isCleanText(value)) fault = `${nameAt(position + 1)}: ${UNCLEAN_TEXT}`
      if (!column || value === '') return
      const damage = column === 'idNumber' ? excelDamage(value) : undefined
      if (fault === undefined && damage) fault = `${nameAt(position + 1)}: ${damage}`
      fields[column] = column === 'birthDate' || column === 'deathDate' ? readDate(value) : translated(column, value)
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
    const fault = schemaFault(body, { textChecked: true })
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
