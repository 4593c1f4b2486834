import Type, { type Static } from 'typebox'
import { calendarDate } from '../../http/formats.js'
import { pageOf, pageQuery } from '../../http/paging.js'
import { uuid } from '../identity/schemas.js'
import { regionCode } from '../regions/schemas.js'

const Level = Type.Enum(['village', 'township', 'district'], { type: 'string', description: 'The level of the notice.' })

export const PublicNotice = Type.Object({
  id: uuid('Notice id: object against it at POST /public/notices/{id}/objections.'),
  programCode: Type.String({ description: 'The programme.' }),
  programName: Type.String({ description: 'The programme\'s name.' }),
  name: Type.String({ description: 'The subject\'s name, masked: 张*明.' }),
  idNumber: Type.String({ description: 'The subject\'s ID number, masked: first 6 and last 4.' }),
  village: Type.String({ description: 'The village the subject lives in.' }),
  level: Level,
  startsOn: calendarDate('The first day of the notice.'),
  endsOn: calendarDate('The last day of the notice (inclusive).'),
  reportLines: Type.Array(Type.Object({
    level: Level,
    regionName: Type.String({ description: 'The village, township or district.' }),
    phone: Type.Union([Type.String(), Type.Null()], { description: 'Its report line (举报电话); null where none is set.' }),
  }, { additionalProperties: false, description: 'Where to object.' }), { description: 'The village\'s, township\'s and district\'s report lines.' }),
}, { $id: 'PublicNotice', additionalProperties: false, description: 'A case under public notice, as the public board shows it.' })

export const PublicNoticePage = pageOf(Type.Ref('PublicNotice'), 'PublicNoticePage', 'The notices posted today.')

export const NoticeBoardQuery = Type.Object({
  region: regionCode('The region whose board to show: its subtree\'s notices.'),
  format: Type.Optional(Type.Enum(['json', 'html'], { type: 'string', description: 'html for a printable page (or send Accept: text/html).' })),
  ...pageQuery,
}, { additionalProperties: false })

export type PublicNotice = Static<typeof PublicNotice>
export type NoticeBoardQuery = Static<typeof NoticeBoardQuery>
