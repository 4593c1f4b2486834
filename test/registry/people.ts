import { checkCharacter } from '../../src/domain/registry/id-number.js'

/** A valid ID number for a birth date and sex, in area 420102; vary sequence for different people. */
export function idNumberFor (birthDate: string, sex: 'male' | 'female', sequence = 12): string {
  const first16 = `420102${birthDate.replaceAll('-', '')}${String(sequence % 100).padStart(2, '0')}`
  const sexDigit = (sex === 'male' ? 1 : 0) + 2 * Math.floor(sequence / 100 % 5)
  const first17 = `${first16}${sexDigit}`
  return `${first17}${checkCharacter(first17)}`
}

/** A household body as DESIGN §8 shows it: an old couple with one son. */
export function couple (regionCode: string, sequence = 1) {
  return {
    regionCode,
    hukouType: 'agricultural',
    address: `${sequence}号`,
    members: [
      { name: '张明', idNumber: idNumberFor('1945-01-01', 'male', sequence), sex: 'male', birthDate: '1945-01-01', relationship: 'head' },
      { name: '李芳', idNumber: idNumberFor('1947-05-06', 'female', sequence), sex: 'female', birthDate: '1947-05-06', relationship: 'spouse' },
      { name: '张强', idNumber: idNumberFor('1975-09-10', 'male', sequence), sex: 'male', birthDate: '1975-09-10', relationship: 'child' },
    ],
  }
}
