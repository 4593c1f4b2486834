import { checkCharacter } from '../id-number.js'

/**
 * What spreadsheets do to the cells of a household list, undone where the value is
 * still there and named where it is lost. Excel shows a number of more than 11 digits
 * in scientific notation (4.20102E+17) and keeps only 15 significant digits of it, so an
 * ID number typed into a cell not formatted as text is lost whichever way it is saved:
 * that is a row error saying what to do, never a guess. Dates are kept in many
 * spellings, all meaning one day.
 */

const AS_TEXT = 'format the column as text (设置单元格格式 → 文本) and type the numbers again'

/** Why an ID number cell holds what Excel made of a number rather than the number; undefined when it does not. */
export function excelDamage (value: string): string | undefined {
  if (/^[0-9]+(\.[0-9]+)?E\+?[0-9]+$/i.test(value)) {
    return `written in scientific notation, as Excel shows a long number: its digits are lost; ${AS_TEXT}`
  }
  // Excel keeps 15 significant digits: the last three of an 18-digit number become 0.
  // A real number may end in 000 too, but then its check character is right.
  if (/^[0-9]{15}000$/.test(value) && checkCharacter(value.slice(0, 17)) !== '0') {
    return `its last digits are zeros, as Excel writes a number of more than 15 digits: they are lost; ${AS_TEXT}`
  }
  return undefined
}

/** 1900-03-01 is Excel's day 61; before it Excel counts a 29 February 1900 that never was. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30)
const DAY = 86_400_000

/** The date an Excel date number stands for (days counted in Excel's 1900 system), as YYYY-MM-DD. */
export function fromExcelSerial (serial: number): string {
  return new Date(EXCEL_EPOCH + serial * DAY).toISOString().slice(0, 10)
}

/**
 * A date as people and Excel write it, as YYYY-MM-DD: 1948-03-01, 1948/3/1, 1948-3-1,
 * 1948.3.1, 1948年3月1日, or an Excel date number of five digits (10000 is 1927-05-18,
 * 99999 is 2173-10-13: no other number is taken for a date, so a year or a short
 * number is refused as it is, not read as some day of 1900). Anything else is returned
 * as it is, for the schema to refuse; so is a spelling of a day that does not exist.
 */
export function readDate (value: string): string {
  const spelled = /^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$/.exec(value)
  if (spelled) return `${spelled[1]}-${spelled[2]!.padStart(2, '0')}-${spelled[3]!.padStart(2, '0')}`
  if (/^[0-9]{5}$/.test(value)) return fromExcelSerial(Number(value))
  return value
}
