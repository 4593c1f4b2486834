import Type, { type Static } from 'typebox'
import { pageOf } from '../../http/paging.js'
import { LEVELS } from './scope.js'

export const REGION_CODE_PATTERN = '^[0-9]{6}(\\.[0-9]{3}(\\.[0-9]{3}(\\.[0-9]{2})?)?)?$'

export const regionCode = (description: string) => Type.String({ pattern: REGION_CODE_PATTERN, description })

const reportPhone = Type.String({ pattern: '^[0-9+()\\- ]{3,30}$', description: 'The report line (举报电话) for objections, printed on the region\'s notices: 027-8888 1234.' })

export const RegionLevel = Type.Enum([...LEVELS], { description: 'district (6 digits), township (+.3), village (+.3) or hamlet (+.2).' })

export const Region = Type.Object({
  code: regionCode('Path-like code: 420102, 420102.003, 420102.003.012, 420102.003.012.04.'),
  name: Type.String({ description: 'Name, e.g. 塔耳镇.' }),
  level: RegionLevel,
  parentCode: Type.Union([regionCode('Code of the parent region.'), Type.Null()], { description: 'Code of the parent region; null for the district.' }),
  reportPhone: Type.Union([Type.String(), Type.Null()], { description: 'The report line (举报电话) printed on this region\'s notices; null where none is set.' }),
  version: Type.Integer({ description: 'The version, for If-Match.' }),
}, { $id: 'Region', additionalProperties: false, description: 'A district, township, village or hamlet.' })

export const RegionCreate = Type.Object({
  code: regionCode('Code of the new region: the parent code plus one segment (3 digits for townships and villages, 2 for hamlets).'),
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Name of the region.' }),
  level: RegionLevel,
  parentCode: regionCode('Code of the parent region, which must be in your region.'),
  reportPhone: Type.Optional(reportPhone),
}, { $id: 'RegionCreate', additionalProperties: false, description: 'A new township, village or hamlet.' })

export const RegionPatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name of the region.' })),
  reportPhone: Type.Optional(Type.Union([reportPhone, Type.Null()], { description: 'The report line; null removes it.' })),
}, { $id: 'RegionPatch', additionalProperties: false, minProperties: 1, description: 'Changes to a region (If-Match required).' })

export const RegionPage = pageOf(Type.Ref('Region'), 'RegionPage', 'A page of regions.')

export const RegionParams = Type.Object({
  code: regionCode('Region code.'),
}, { additionalProperties: false })

export type Region = Static<typeof Region>
export type RegionCreate = Static<typeof RegionCreate>
export type RegionPatch = Static<typeof RegionPatch>
