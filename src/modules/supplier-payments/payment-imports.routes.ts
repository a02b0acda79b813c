import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import { validatorCompiler } from '../../platform/http/validation.ts'
import { Type } from 'typebox'
import { IMPORT_COLUMNS } from './import-rows.ts'
import type { createImportPayments } from './import-payments.ts'
import { MAX_IMPORT_ROWS } from './import-payments.ts'
import type { PartyGuard } from './party.ts'
import { ImportQuery, ImportReport } from './supplier-payments.schemas.ts'

const DESCRIPTION = `Operators only. The body is a CSV file (\`Content-Type: text/csv\`, UTF-8, a byte order mark allowed, CRLF or LF line ends, RFC 4180 quoting) whose first line names the columns ${IMPORT_COLUMNS.join(', ')}, in any order. \`supplier\` is a supplier's id or its company's registration number; \`due_date\` YYYY-MM-DD, not before today; \`value\` more than 0 with at most 2 decimals; \`external_ref\` the reference of the payment in the sending system (1–100 characters), unique per supplier. At most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows.

All or nothing: any bad row gives a 400 whose \`errors\` name every bad row and field as \`line <n>.<field>\` (line 1 is the header), and nothing is written. A row whose supplier already has a payment with that reference, due date and value is skipped, so sending a file again imports nothing twice; the same reference with another due date or value is an error. Each supplier whose payments were imported gets one summary email. \`?dry_run=true\` checks everything and reports, writing nothing (200); an import that writes answers 201.`

const csvBody = {
  content: {
    'text/csv': {
      schema: Type.String({
        description: 'The CSV file.',
        examples: ['supplier,due_date,value,external_ref\n1,2030-01-31,1500.00,INV-0001\n'],
      }),
    },
  },
  required: true,
}
// The handler reads the file as a stream; there is no parsed body to check.
const fileReadByHandler: typeof validatorCompiler = (route) =>
  route.httpPart === 'body' ? () => true : validatorCompiler(route)

export function paymentImportRoutes(
  importPayments: ReturnType<typeof createImportPayments>,
  guards: Guards,
  party: PartyGuard,
) {
  return async (app: App) => {
    await app.register(async (scope: App) => {
      // CSV only on this route: JSON and anything else is a 415. The body is left unread here and
      // streamed by the handler, so the file is never held whole.
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('text/csv', (_request, _payload, done) => {
        done(null, undefined)
      })
      scope.post(
        '/api/payments/import',
        {
          onRequest: [guards.authenticate, party.resolveParty],
          schema: {
            tags: ['supplier-payments'],
            summary: 'Import payments from a CSV file (operators)',
            description: DESCRIPTION,
            querystring: ImportQuery,
            body: csvBody,
            response: { 200: ImportReport, 201: ImportReport },
          },
          validatorCompiler: fileReadByHandler,
        },
        async (request, reply) => {
          const dryRun = request.query.dry_run === true
          const report = await importPayments(party.partyOf(request), request.raw, { dryRun })
          return reply.code(dryRun ? 200 : 201).send(report)
        },
      )
    })
  }
}
