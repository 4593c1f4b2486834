import { parse } from 'csv-parse/sync'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { HouseholdCreate, MemberCreate } from '../schemas.js'
import type { HouseholdCreate as HouseholdBody, MemberCreate as MemberBody } from '../schemas.js'

/** One household read from a file, with the rows it came from, or the reason it could not be read. */
export type ImportedHousehold =
  | { rows: number[], household: HouseholdBody }
  | { rows: number[], error: string }

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

const ajv = new Ajv({ allErrors: true, removeAdditional: false, coerceTypes: false, strict: false })
;(addFormats as unknown as (ajv: Ajv) => Ajv)(ajv)
ajv.addSchema(MemberCreate)
const validHousehold = ajv.compile<HouseholdBody>(HouseholdCreate)

/** The same schema as POST /v1/households, so a file says no more and no less than the API. */
function validate (body: unknown): string | undefined {
  if (validHousehold(body)) return undefined
  return (validHousehold.errors ?? []).map((error) => {
    const where = error.keyword === 'additionalProperties'
      ? `${error.instancePath}/${String(error.params.additionalProperty)}: unknown field`
      : error.keyword === 'required'
        ? `${error.instancePath}/${String(error.params.missingProperty)}: is required`
        : `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`
    return where
  }).join('; ')
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
      households.push({ rows, error: 'not valid JSON' })
      return
    }
    const problem = validate(body)
    households.push(problem ? { rows, error: problem } : { rows, household: body as HouseholdBody })
  })
  return households
}

/**
 * CSV: one row per person, grouped into households by the household column; the
 * household's region, hukou type and address come from its first row. Row 1 is the
 * first row after the header. A header it cannot read fails the whole import.
 */
export function readCsv (text: string): ImportedHousehold[] {
  const records = parse(text.replace(/^\uFEFF/, ''), { columns: false, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][]
  const [header, ...data] = records
  if (!header) return []
  const columns = header.map((name) => COLUMNS[name] ?? COLUMNS[name.trim()])
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
    throw new Error(`the header row is not one this import reads: ${problems.join('; ')}`)
  }
  const groups = new Map<string, { rows: number[], fields: Array<Record<string, string>> }>()
  data.forEach((record, index) => {
    const fields: Record<string, string> = {}
    columns.forEach((column, position) => {
      const value = record[position] ?? ''
      if (column && value !== '') fields[column] = VALUES[column]?.[value] ?? value
    })
    const key = fields.household ?? `#${index}`
    const group = groups.get(key) ?? { rows: [], fields: [] }
    group.rows.push(index + 1)
    group.fields.push(fields)
    groups.set(key, group)
  })
  return [...groups.values()].map(({ rows, fields }) => {
    const first = fields[0]!
    const body = {
      regionCode: first.regionCode,
      hukouType: first.hukouType,
      address: first.address,
      members: fields.map(memberOf),
    }
    const problem = validate(body)
    return problem ? { rows, error: problem } : { rows, household: body as HouseholdBody }
  })
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
