import { sql, type Kysely } from 'kysely'
import type { DB, NoticeLevel } from '../../db/types.js'
import { decodeCursor, isUuid, toPage } from '../../http/paging.js'
import { sqlToday, type Clock } from '../clock/clock.js'
import { inSubtree } from '../regions/scope.js'
import { requireRegion } from '../regions/service.js'
import { maskName } from '../registry/pii.js'
import type { PublicNotice } from './notice-schemas.js'

/**
 * The public notice board (公示): the cases under notice today in a region's subtree, with
 * nothing about a person but a masked name and ID number and the village, and the
 * report lines to object by. No token is needed to read it.
 */
export async function noticeBoard (db: Kysely<DB>, clock: Clock, region: string, page: { limit: number, cursor?: string | undefined }) {
  const root = await requireRegion(db, region, region)
  const today = sqlToday(clock)
  const levelCode = (depth: number) => sql<string>`array_to_string((string_to_array(h.region_code, '.'))[1:${sql.lit(depth)}], '.')`
  let query = db.selectFrom('notices as n')
    .innerJoin('cases as c', 'c.id', 'n.case_id')
    .innerJoin('programs as g', 'g.code', 'c.program_code')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .innerJoin('regions as village', (join) => join.on('village.code', '=', levelCode(3)))
    .innerJoin('regions as township', (join) => join.on('township.code', '=', levelCode(2)))
    .innerJoin('regions as district', (join) => join.on('district.code', '=', levelCode(1)))
    .select([
      'n.id', 'c.program_code', 'g.name as program_name', 'p.name', 'p.id_number_masked', 'n.level', 'n.starts_on', 'n.ends_on',
      'village.name as village_name', 'village.report_phone as village_phone',
      'township.name as township_name', 'township.report_phone as township_phone',
      'district.name as district_name', 'district.report_phone as district_phone',
    ])
    .where('n.closed_on', 'is', null)
    .where(sql<boolean>`n.starts_on <= ${today} and n.ends_on >= ${today}`)
    .where(inSubtree('h.region_code', root.code))
    .orderBy('n.id')
    .limit(page.limit + 1)
  const after = decodeCursor(page.cursor, isUuid)
  if (after !== undefined) query = query.where('n.id', '>', after)
  return toPage(await query.execute(), page.limit, (row) => row.id, (row): PublicNotice => ({
    id: row.id,
    programCode: row.program_code,
    programName: row.program_name,
    name: maskName(row.name),
    idNumber: row.id_number_masked,
    village: row.village_name,
    level: row.level as NoticeLevel,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    reportLines: [
      { level: 'village', regionName: row.village_name, phone: row.village_phone },
      { level: 'township', regionName: row.township_name, phone: row.township_phone },
      { level: 'district', regionName: row.district_name, phone: row.district_phone },
    ],
  }))
}

const LEVEL_NAMES: Record<NoticeLevel, string> = { village: '村级', township: '乡镇级', district: '区级' }

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

/** The board as a printable page with Chinese labels. */
export function noticeBoardHtml (regionName: string, items: PublicNotice[]): string {
  const rows = items.map((item) => `<tr><td>${escape(item.programName)}</td><td>${escape(item.name)}</td><td>${escape(item.idNumber)}</td>`
    + `<td>${escape(item.village)}</td><td>${LEVEL_NAMES[item.level]}</td><td>${item.startsOn} 至 ${item.endsOn}</td>`
    + `<td>${item.reportLines.map((line) => `${escape(line.regionName)} ${escape(line.phone ?? '—')}`).join('<br>')}</td>`
    + `<td><code>${item.id}</code></td></tr>`).join('\n')
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(regionName)} 公示</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:.3em .5em;text-align:left}th{background:#eee}@media print{th{background:none}}</style>
</head><body>
<h1>${escape(regionName)} 计划生育奖励扶助对象公示</h1>
<p>公示期内如有异议，请拨打举报电话，或在网上对公示编号提出异议。</p>
<table><thead><tr><th>项目</th><th>姓名</th><th>身份证号</th><th>村</th><th>公示级别</th><th>公示期</th><th>举报电话</th><th>公示编号</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">目前没有公示。</td></tr>'}
</tbody></table>
</body></html>
`
}
