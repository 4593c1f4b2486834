import t from 'tap'
import { percentOf } from '../../src/domain/reports/narrative.js'

t.test('the district\'s share is written to a tenth of a percent, counted in fen', async (t) => {
  t.equal(percentOf('7.00', '100.00'), '7', '7 of 100 (7.000000000000001 in floating point)')
  t.equal(percentOf('144.00', '720.00'), '20', 'RURAL_REWARD\'s district share')
  t.equal(percentOf('10.00', '20.00'), '50')
  t.equal(percentOf('1.00', '3.00'), '33.3')
  t.equal(percentOf('2.00', '3.00'), '66.7', 'rounded up from 66.66…')
  t.equal(percentOf('1.00', '8.00'), '12.5')
  t.equal(percentOf('1.00', '2000.00'), '0.1', '0.05 % rounds half up')
  t.equal(percentOf('0.01', '3000.00'), '0', 'a fen of 3,000 yuan rounds to nothing')
  t.equal(percentOf('3000.00', '3000.00'), '100')
  t.equal(percentOf('999999999999.99', '999999999999.99'), '100', 'the largest amounts, beyond floating point\'s exact fen × 1000')
  t.equal(percentOf('0.00', '0.00'), '0', 'nothing of nothing')
})
