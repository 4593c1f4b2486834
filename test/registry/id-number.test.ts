import t from 'tap'
import { checkCharacter, checkIdNumber, maskIdNumber, readIdNumber } from '../../src/domain/registry/id-number.js'
import { ProblemError } from '../../src/http/problem.js'
import { idNumberFor } from './people.js'

const codeOf = (work: () => unknown): string | undefined => {
  try { work() } catch (error) { return error instanceof ProblemError ? error.code : 'unexpected' }
  return undefined
}

t.test('the check character follows GB 11643-1999', async (t) => {
  t.equal(checkCharacter('11010519491231002'), 'X', 'the standard\'s own example')
  t.equal(readIdNumber('11010519491231002X').birthDate, '1949-12-31')
  t.equal(readIdNumber('11010519491231002X').sex, 'female')
  t.equal(readIdNumber('440524188001010014').sex, 'male')
})

t.test('malformed numbers are refused with a code that says why', async (t) => {
  const good = idNumberFor('1950-03-04', 'male')
  t.equal(codeOf(() => readIdNumber(good)), undefined)
  t.equal(codeOf(() => readIdNumber(good.slice(0, 17))), 'id_number_length')
  t.equal(codeOf(() => readIdNumber(`${good}1`)), 'id_number_length')
  t.equal(codeOf(() => readIdNumber(`${good.slice(0, 17)}x`)), 'id_number_characters', 'a lower-case x')
  t.equal(codeOf(() => readIdNumber(`4201A2${good.slice(6)}`)), 'id_number_characters', 'a letter inside')
  t.equal(codeOf(() => readIdNumber(`99${good.slice(2)}`)), 'id_number_area_code')
  t.equal(codeOf(() => readIdNumber(`420000${good.slice(6)}`)), 'id_number_area_code')
  const badDate = `42010219500230${good.slice(14, 17)}`
  t.equal(codeOf(() => readIdNumber(`${badDate}${checkCharacter(badDate)}`)), 'id_number_birth_date', 'February 30th')
  const wrongCheck = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`
  t.equal(codeOf(() => readIdNumber(wrongCheck)), 'id_number_check_digit')
})

t.test('the number must agree with the person\'s birth date and sex', async (t) => {
  const number = idNumberFor('1950-03-04', 'female')
  t.equal(codeOf(() => checkIdNumber(number, { birthDate: '1950-03-04', sex: 'female' })), undefined)
  t.equal(codeOf(() => checkIdNumber(number, { birthDate: '1950-03-05', sex: 'female' })), 'id_number_birth_date_mismatch')
  t.equal(codeOf(() => checkIdNumber(number, { birthDate: '1950-03-04', sex: 'male' })), 'id_number_sex_mismatch')
})

t.test('masking keeps the first six and last four', async (t) => {
  t.equal(maskIdNumber('11010519491231002X'), '110105********002X')
})
