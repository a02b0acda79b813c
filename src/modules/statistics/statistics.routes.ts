import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { Type, type TSchema } from 'typebox'
import type { Clock } from '../../platform/clock.ts'
import { csvText } from '../../platform/csv/csv-text.ts'
import { forbidden } from '../../platform/errors.ts'
import { hasRole } from '../../platform/http/actor.ts'
import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import type { App } from '../../platform/http/server.ts'
import { parseRange } from './date-range.ts'
import { bookingsReport, bookingsTable } from './bookings-report.ts'
import {
  complaintsReport,
  overviewReport,
  overviewRows,
  payablesReport,
  payoutsReport,
  type Sources,
} from './reports.ts'
import {
  BookingsQuery,
  BookingsReport,
  BookingsRow,
  ComplaintsReport,
  ComplaintsRow,
  FormatQuery,
  HOTELS_PER_PAGE,
  OverviewReport,
  PayablesQuery,
  PayablesReport,
  PayablesRow,
  PayoutsReport,
  PayoutsRow,
  StatsQuery,
} from './statistics.schemas.ts'

const RANGE_RULES =
  'JSON, or CSV of the same rows with `?format=csv`. `from`/`to` are dates (YYYY-MM-DD) in the business time zone, both included; by default the last 12 months (from the first of the month 11 months ago to today). `from` after `to`, or a range of 5 years or more, is a 400. Rows are ordered by month, then their keys; months with nothing are present with zeros.'

/** A JSON schema for the report, and the CSV text of its rows, as the response's two forms. */
function answers(schema: TSchema) {
  return {
    200: {
      description: 'The report.',
      content: {
        'application/json': { schema },
        'text/csv': {
          schema: Type.String({ description: 'The rows: a header line, then one line per row.' }),
        },
      },
    },
  }
}

type Table = { rows: readonly object[] }

/** JSON as it is, or the rows as CSV when asked, as an attachment named after the report and range. */
function send(
  reply: FastifyReply,
  format: 'json' | 'csv' | undefined,
  name: string,
  columns: readonly string[],
  report: Table & { from?: string; to?: string },
) {
  if (format !== 'csv') return reply.send(report)
  const period = report.from && report.to ? `-${report.from}-${report.to}` : ''
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}${period}.csv"`)
    .send(csvText(columns, report.rows))
}

/**
 * Operators and admins see every supplier's payables; a supplier's user their own; anyone else is
 * refused (403) before the query is read.
 */
function payablesAccess(supplierOfUser: (userId: number) => Promise<number | undefined>) {
  const ownSupplier = new WeakMap<FastifyRequest, number | undefined>()
  const resolve: onRequestAsyncHookHandler = async (request) => {
    const actor = actorOf(request)
    if (hasRole(actor, 'operator', 'admin')) return
    const supplier = await supplierOfUser(actor.userId)
    if (supplier === undefined) throw forbidden()
    ownSupplier.set(request, supplier)
  }
  function supplierFor(request: FastifyRequest, asked: number | undefined): number | undefined {
    if (!ownSupplier.has(request)) return asked
    const own = ownSupplier.get(request)
    if (asked !== undefined && asked !== own) throw forbidden('You can only see your own supplier’s figures.')
    return own
  }
  return { resolve, supplierFor }
}

export function statisticsRoutes(
  sources: Sources,
  guards: Guards,
  clock: Clock,
  supplierOfUser: (userId: number) => Promise<number | undefined>,
  publicUrl: string,
) {
  const access = payablesAccess(supplierOfUser)
  const tags = ['statistics']
  return async (app: App) => {
    app.get(
      '/api/stats/payables',
      {
        onRequest: [guards.authenticate, access.resolve],
        schema: {
          tags,
          summary: 'Payables by month of due date and status, with what anticipations paid',
          description: `Operators and admins (\`?supplier=\` for one supplier); a supplier's user gets their own supplier's (naming another is a 403). Statuses as derived today; the anticipated figures are those of AN rows. ${RANGE_RULES}`,
          querystring: PayablesQuery,
          response: answers(PayablesReport),
        },
      },
      async (request, reply) => {
        const range = parseRange(request.query, clock.today())
        const supplier = access.supplierFor(request, request.query.supplier)
        const report = await payablesReport(sources, range, supplier)
        return send(reply, request.query.format, 'payables', Object.keys(PayablesRow), report)
      },
    )

    app.get(
      '/api/stats/complaints',
      {
        preHandler: [guards.authenticate, guards.requireRole('approver', 'admin')],
        schema: {
          tags,
          summary: 'Complaints by month filed: decisions, amounts asked and refunded, time to decide',
          description: `Approvers and admins. Months in the business time zone. ${RANGE_RULES}`,
          querystring: StatsQuery,
          response: answers(ComplaintsReport),
        },
      },
      async (request, reply) => {
        const report = await complaintsReport(sources, parseRange(request.query, clock.today()))
        return send(reply, request.query.format, 'complaints', Object.keys(ComplaintsRow), report)
      },
    )

    app.get(
      '/api/stats/bookings',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin')],
        schema: {
          tags,
          summary: 'Bookings by hotel and month: nights sold, occupancy, revenue, cancellations',
          description: `Admins. JSON: a page of hotels (\`page\`, \`page_size\`, default ${HOTELS_PER_PAGE} hotels, in id order), each in every month of the range, and \`totals\`: every hotel together by month, whatever the page; \`?hotel=\` for one hotel's rows. CSV: every hotel's rows (or \`?hotel=\`'s) in one file. Only confirmed (paid) stays sell nights; a month cut by the range counts its days in the range. ${RANGE_RULES}`,
          querystring: BookingsQuery,
          response: answers(BookingsReport),
        },
      },
      async (request, reply) => {
        const { query } = request
        const range = parseRange(query, clock.today())
        if (query.format === 'csv') {
          const table = await bookingsTable(sources, range, { hotel: query.hotel })
          return send(reply, 'csv', 'bookings', Object.keys(BookingsRow), { ...range, rows: table.rows })
        }
        const page = pageRequest({ page: query.page, page_size: query.page_size ?? HOTELS_PER_PAGE })
        const report = await bookingsReport(sources, range, {
          hotel: query.hotel,
          limit: page.limit,
          offset: page.offset,
        })
        const { hotels, ...figures } = report
        const { count, next, previous } = toPage(request, publicUrl, page, report.count, hotels)
        return reply.send({ ...figures, count, next, previous })
      },
    )

    app.get(
      '/api/stats/payouts',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin', 'operator')],
        schema: {
          tags,
          summary: 'Payouts by month created, purpose, provider and status; why payouts failed',
          description: `Admins and operators. Every combination of purpose, provider and status is a row. ${RANGE_RULES}`,
          querystring: StatsQuery,
          response: answers(PayoutsReport),
        },
      },
      async (request, reply) => {
        const report = await payoutsReport(sources, parseRange(request.query, clock.today()))
        return send(reply, request.query.format, 'payouts', Object.keys(PayoutsRow), report)
      },
    )

    app.get(
      '/api/stats/overview',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin')],
        schema: {
          tags,
          summary: 'Users by role, companies, suppliers and what waits for a person, now',
          description: 'Admins. With `?format=csv`, one `figure,value` line per number.',
          querystring: FormatQuery,
          response: answers(OverviewReport),
        },
      },
      async (request, reply) => {
        const overview = await overviewReport(sources)
        if (request.query.format !== 'csv') return reply.send(overview)
        return send(reply, 'csv', 'overview', ['figure', 'value'], { rows: overviewRows(overview) })
      },
    )
  }
}
