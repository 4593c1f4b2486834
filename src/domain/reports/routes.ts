import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { XLSX_MEDIA_TYPE, xlsxStream } from '../../http/xlsx.js'
import { actingOf } from '../../plugins/auth.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { levelOf } from '../regions/scope.js'
import { SUMMARY_COLUMNS, summaryCsv, summaryRows } from './csv.js'
import { narrate } from './narrative.js'
import { Narrative, ProgramSummary, ReportQuery, Summary, type ReportQuery as ReportQueryType } from './schemas.js'
import { beneficiariesOverYears, summarise } from './service.js'
import { summarySvg } from './svg.js'

/** The district's figures of a year, as JSON, CSV, a chart and the report's sentences; a region officer's, of their subtree. */
export default async function reportRoutes (app: FastifyInstance) {
  for (const schema of [ProgramSummary, Summary, Narrative]) app.addSchema(schema)
  const described = (summary: string, description: string) => ({ tags: ['reports'], summary, description, querystring: ReportQuery })

  app.get<{ Querystring: ReportQueryType }>('/reports/summary', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'reportSummary',
      ...described('The figures of a year for a region: beneficiaries, payments, sources, open cases, allocations',
        'active is read at the year\'s end (today in the current year); newThisYear counts cases that became active in the year; '
          + 'paidThisYear the payments settled paid in it, bySource its split. A region outside yours is 404.'),
      response: { 200: Type.Ref('Summary'), ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => summarise(app.db, actingOf(request), request.query))

  app.get<{ Querystring: ReportQueryType }>('/reports/summary.csv', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'reportSummaryCsv',
      ...described('The same figures as CSV (UTF-8 with BOM, CRLF, Chinese headers), one row per programme', 'For spreadsheets.'),
      response: {
        200: { description: 'The CSV.', content: { 'text/csv': { schema: Type.String({ description: 'UTF-8 with BOM.' }) } } },
        ...problemResponses(400, 401, 403, 404, 422),
      },
    },
  }, async (request, reply) => {
    const summary = await summarise(app.db, actingOf(request), request.query)
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="summary-${summary.regionCode}-${summary.year}.csv"`)
      .send(summaryCsv(summary))
  })

  app.get<{ Querystring: ReportQueryType }>('/reports/summary.xlsx', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'reportSummaryXlsx',
      ...described('The same figures as an Excel workbook, the CSV\'s columns and rows',
        'One sheet. 项目代码 and 项目名称 are text, counts are numbers, amounts numbers of yuan shown with 2 decimals.'),
      response: {
        200: { description: 'The workbook.', content: { [XLSX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary', description: 'An Office Open XML workbook.' }) } } },
        ...problemResponses(400, 401, 403, 404, 422),
      },
    },
  }, async (request, reply) => {
    const summary = await summarise(app.db, actingOf(request), request.query)
    return reply.type(XLSX_MEDIA_TYPE)
      .header('content-disposition', `attachment; filename="summary-${summary.regionCode}-${summary.year}.xlsx"`)
      .send(xlsxStream('汇总', SUMMARY_COLUMNS, [summaryRows(summary)]))
  })

  app.get<{ Querystring: ReportQueryType }>('/reports/summary.svg', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'reportSummarySvg',
      ...described('The figures as a chart that reads printed in black and white',
        'The year\'s paid amount by programme and funding source (hatched fills), and the beneficiaries ever confirmed over ten years.'),
      response: {
        200: { description: 'The chart.', content: { 'image/svg+xml': { schema: Type.String({ description: 'An SVG document.' }) } } },
        ...problemResponses(400, 401, 403, 404, 422),
      },
    },
  }, async (request, reply) => {
    const summary = await summarise(app.db, actingOf(request), request.query)
    const overYears = await beneficiariesOverYears(app.db, summary.regionCode, summary.year)
    return reply.type('image/svg+xml; charset=utf-8').send(summarySvg(summary, overYears))
  })

  app.get<{ Querystring: ReportQueryType }>('/reports/narrative', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'reportNarrative',
      ...described('The sentences of the annual report, in Chinese, from the data',
        '"全区农村部分计划生育家庭奖励扶助对象累计1478人，其中今年新增226人……": every figure is the summary\'s.'),
      response: { 200: Type.Ref('Narrative'), ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const summary = await summarise(app.db, actingOf(request), request.query)
    return narrate(summary, levelOf(summary.regionCode) === 'district')
  })
}
