import t from 'tap'
import { checkCharacter, checkIdNumber, maskIdNumber, normaliseIdNumber, readIdNumber } from '../../src/domain/registry/id-number.js'
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
  t.equal(codeOf(() => readIdNumber(`${good.slice(0, 16)}`)), 'id_number_length', '16 digits')
  t.equal(codeOf(() => readIdNumber(`${good.slice(0, 17)}Y`)), 'id_number_characters', 'a letter other than X')
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

t.test('numbers are read as people type them: spaces, full-width characters, a lower-case x', async (t) => {
  t.equal(normaliseIdNumber(' 11010519491231002x '), '11010519491231002X', 'trimmed, x made X')
  t.equal(normaliseIdNumber('\u3000１１０１０５１９４９１２３１００２Ｘ\u3000'), '11010519491231002X', 'full-width digits, X and spaces')
  t.equal(normaliseIdNumber('１１０１０５１９４９１２３１００２ｘ'), '11010519491231002X', 'a full-width lower-case x')
  t.match(readIdNumber('11010519491231002x'), { idNumber: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' })
  t.equal(normaliseIdNumber('11010519491231002X'), '11010519491231002X', 'a number already right is left alone')
})

t.test('a first-generation 15-digit number becomes its 18-digit form, 19 inserted before the year', async (t) => {
  // 420102 480301 123 → 420102 19480301 123 + check. Worked by hand with the weights
  // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over 4 2 0 1 0 2 1 9 4 8 0 3 0 1 1 2 3:
  // 28+18+0+5+0+8+2+9+24+24+0+27+0+5+8+8+6 = 172; 172 mod 11 = 7; '10X98765432'[7] = 5.
  t.equal(normaliseIdNumber('420102480301123'), '420102194803011235')
  t.match(readIdNumber('420102480301123'), { idNumber: '420102194803011235', birthDate: '1948-03-01', sex: 'male' })
  // The last date of the 1900s: 4 2 0 1 0 2 1 9 9 9 1 2 3 1 0 0 2 →
  // 28+18+0+5+0+8+2+9+54+27+7+18+30+5+0+0+4 = 215; 215 mod 11 = 6; '10X98765432'[6] = 6.
  t.equal(normaliseIdNumber('420102991231002'), '420102199912310026', '991231 is 1999-12-31')
  // And the first: 00 is 1900, never 2000 (first-generation numbers were issued 1984–1999
  // to people born in the 1900s). 4 2 0 1 0 2 1 9 0 0 0 1 0 1 0 0 2 →
  // 28+18+0+5+0+8+2+9+0+0+0+9+0+5+0+0+4 = 88; 88 mod 11 = 0; '10X98765432'[0] = 1.
  t.equal(normaliseIdNumber('420102000101002'), '420102190001010021', '000101 is 1900-01-01')
  t.match(readIdNumber('420102000101002'), { birthDate: '1900-01-01', sex: 'female' })
  t.equal(normaliseIdNumber('４２０１０２４８０３０１１２３'), '420102194803011235', 'typed full-width')
})

t.test('a 15-digit number whose date is not a real date is refused with the reason', async (t) => {
  const refusal = (typed: string) => {
    try { normaliseIdNumber(typed, '/body/members/0/idNumber') } catch (error) { return error as ProblemError }
    return undefined
  }
  const february30 = refusal('420102490230123')
  t.equal(february30?.code, 'id_number_birth_date')
  t.match(february30?.message, /15-digit.*digits 7–12.*not a real date/)
  t.match(february30?.errors, [{ path: '/body/members/0/idNumber' }])
  t.equal(refusal('420102000229123')?.code, 'id_number_birth_date', '1900 was not a leap year: 000229 is no date, although 2000-02-29 was')
  t.equal(refusal('420102961301123')?.code, 'id_number_birth_date', 'a thirteenth month')
  t.equal(refusal('420102960229123'), undefined, '1996 was a leap year')
})
