import { defineProblemFamily } from '../../http/problem.js'

const idNumberRefused = defineProblemFamily(422, [
  'id_number_length', 'id_number_characters', 'id_number_area_code', 'id_number_birth_date', 'id_number_check_digit',
  'id_number_birth_date_mismatch', 'id_number_sex_mismatch',
] as const)

/**
 * Resident identity numbers (GB 11643-1999): six digits of area code, eight of birth
 * date (YYYYMMDD), three of sequence whose last is odd for men and even for women, and
 * a check character computed from the first seventeen (ISO 7064 MOD 11-2, 10 written X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARACTERS = '10X98765432'

/** First two digits of area codes in use: provinces, autonomous regions, municipalities, Hong Kong, Macao, Taiwan. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
  50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
])

export function checkCharacter (first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK_CHARACTERS[sum % 11]!
}

export interface IdNumberFacts {
  birthDate: string
  sex: 'male' | 'female'
}

/** Full-width forms of ASCII (U+FF01–U+FF5E: ０–９, Ａ–Ｚ, ａ–ｚ …), as Chinese input methods type them. */
const FULL_WIDTH = /[\uFF01-\uFF5E]/g

/**
 * An ID number as the registry keeps it, from the number as people type it: spaces
 * around it trimmed (full-width ones too), full-width digits and letters made ASCII, a
 * lower-case x made upper-case, and a first-generation 15-digit number (6-digit area,
 * birth date YYMMDD, 3-digit sequence; issued 1984–1999, to people born in the 1900s)
 * converted to its 18-digit form: "19" inserted before the year and the GB 11643-1999
 * check character appended. A 15-digit number whose date is not a real date of the
 * 1900s is refused, as is a number no conversion can give 18 characters; anything else
 * is returned tidied, for readIdNumber to judge.
 */
export function normaliseIdNumber (typed: string, path = '/body/idNumber'): string {
  const tidied = typed.trim().replace(FULL_WIDTH, (character) => String.fromCharCode(character.charCodeAt(0) - 0xFEE0)).toUpperCase()
  if (!/^[0-9]{15}$/.test(tidied)) return tidied
  const birthDate = `19${tidied.slice(6, 8)}-${tidied.slice(8, 10)}-${tidied.slice(10, 12)}`
  if (!isCalendarDate(birthDate)) {
    const detail = 'A 15-digit ID number has its birth date YYMMDD (of the 1900s) in digits 7–12; these are not a real date.'
    throw idNumberRefused('id_number_birth_date', detail, [{ path, message: detail }])
  }
  const first17 = `${tidied.slice(0, 6)}19${tidied.slice(6)}`
  return `${first17}${checkCharacter(first17)}`
}

/**
 * The number as the registry keeps it (normaliseIdNumber), with the birth date and sex
 * it states, or the reason it is not a well-formed number. The reasons name the rule and
 * the digits' positions, never the digits: they reach job results and logs that must
 * not carry ID numbers, even in part.
 */
export function readIdNumber (typed: string, path = '/body/idNumber'): IdNumberFacts & { idNumber: string } {
  const refuse = (code: Parameters<typeof idNumberRefused>[0], detail: string) => idNumberRefused(code, detail, [{ path, message: detail }])
  const idNumber = normaliseIdNumber(typed, path)
  if (idNumber.length !== 18) throw refuse('id_number_length', `An ID number has 18 characters (or 15, first-generation); this one has ${idNumber.length}.`)
  if (!/^[0-9]{17}[0-9X]$/.test(idNumber)) {
    throw refuse('id_number_characters', 'An ID number is 17 digits followed by a digit or X.')
  }
  const province = Number(idNumber.slice(0, 2))
  if (!PROVINCES.has(province) || idNumber.slice(2, 6) === '0000' || idNumber.slice(4, 6) === '00' && idNumber.slice(2, 4) !== '00') {
    throw refuse('id_number_area_code', 'The first six digits are not a well-formed county code.')
  }
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`
  if (!isCalendarDate(birthDate) || birthDate < '1880-01-01') {
    throw refuse('id_number_birth_date', 'Digits 7–14 are not a real date from 1880 on.')
  }
  const expected = checkCharacter(idNumber.slice(0, 17))
  if (idNumber[17] !== expected) {
    throw refuse('id_number_check_digit', 'The 18th character is not the check character of the first 17 (GB 11643-1999).')
  }
  return { idNumber, birthDate, sex: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female' }
}

/** Refuses an ID number that is malformed or disagrees with the person's birth date or sex. */
export function checkIdNumber (idNumber: string, person: IdNumberFacts, path = '/body/idNumber'): void {
  const stated = readIdNumber(idNumber, path)
  if (stated.birthDate !== person.birthDate) {
    const detail = 'The birth date in the ID number (digits 7–14) is not the birth date given.'
    throw idNumberRefused('id_number_birth_date_mismatch', detail, [{ path, message: detail }])
  }
  if (stated.sex !== person.sex) {
    const detail = `The ID number's 17th digit is ${stated.sex === 'male' ? 'odd, a man\'s' : 'even, a woman\'s'}; the sex given is ${person.sex}.`
    throw idNumberRefused('id_number_sex_mismatch', detail, [{ path, message: detail }])
  }
}

export function isCalendarDate (value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

/** First six and last four characters: 420102********1235. */
export function maskIdNumber (idNumber: string): string {
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`
}
