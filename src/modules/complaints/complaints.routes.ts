import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { AppError, invalid, NON_FIELD_ERRORS } from '../../platform/errors.ts'
import { actorOf, existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { IdempotencyHeaders, type Idempotency } from '../../platform/http/idempotency.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { isMultipart, readMultipartForm, withUploads } from '../../platform/http/uploads.ts'
import { validatorCompiler } from '../../platform/http/validation.ts'
import {
  Complaint,
  ComplaintsPage,
  ComplaintsQuery,
  NEW_COMPLAINT_FORM,
  NewComplaintForm,
  NewComplaintJson,
  Rejection,
} from './complaints.schemas.ts'
import type { ComplaintsService } from './complaints.service.ts'
import { decodePhoto, type ComplaintInput } from './file-complaint.ts'

export interface ComplaintRoutesSettings {
  publicUrl: string
  maxPhotoBytes: number
}

const FORM_FIELDS = new Set(['title', 'description', 'amount'])

/** Complaints with a photo and the refund asked for. */
export function complaintRoutes(
  complaints: ComplaintsService,
  guards: Guards,
  idempotency: Idempotency,
  settings: ComplaintRoutesSettings,
) {
  const approver = [guards.authenticate, guards.requireRole('approver')]
  const NewComplaint = NewComplaintJson()
  // Base64 takes 4 characters per 3 bytes; the other fields fit in the rest.
  const bodyLimit = Math.ceil(settings.maxPhotoBytes / 3) * 4 + 64 * 1024

  /** The complaint a JSON or multipart request files. */
  async function inputOf(request: FastifyRequest): Promise<ComplaintInput> {
    if (!isMultipart(request)) {
      // Fastify checks a body against the schema of its media type: a request with neither has none.
      if (request.body === undefined || request.body === null)
        throw invalid(NON_FIELD_ERRORS, 'Expected an object.')
      const body = request.body as NewComplaintJson
      const photo = decodePhoto(body.encoded_photo)
      if (!photo) throw invalid('encoded_photo', 'Send the photo as base64 text.')
      return { ...body, photo, extension: body.extension }
    }
    const form = await readMultipartForm(request, 'photo')
    const errors: Record<string, string[]> = {}
    for (const name of Object.keys(form.fields)) {
      if (!FORM_FIELDS.has(name)) errors[name] = ['Unknown field.']
    }
    for (const name of FORM_FIELDS) {
      if (form.fields[name] === undefined) errors[name] = ['This field is required.']
    }
    if (!form.file || form.file.bytes.length === 0) errors.photo = ['Attach a photo.']
    if (Object.keys(errors).length > 0 || !form.file) {
      throw new AppError('invalid', 'validation_failed', 'Invalid request.', { fieldErrors: errors })
    }
    // What the Idempotency-Key compares: the form's fields and the photo's digest.
    request.body = {
      ...form.fields,
      photo_sha256: createHash('sha256').update(form.file.bytes).digest('hex'),
    }
    return {
      title: form.fields.title ?? '',
      description: form.fields.description ?? '',
      amount: form.fields.amount ?? '',
      photo: form.file.bytes,
    }
  }

  return async (app: App) => {
    app.get(
      '/api/complaints',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['complaints'],
          summary: 'List complaints, newest first',
          description:
            'Approvers and admins: every complaint. Anyone else: their own. `?mine=true`: only the complaints the caller filed, whatever their roles.',
          querystring: ComplaintsQuery,
          response: { 200: ComplaintsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await complaints.listComplaints(actorOf(request), request.query, page)
        return toPage(request, settings.publicUrl, page, count, results)
      },
    )

    await withUploads(
      app,
      { maxFileBytes: settings.maxPhotoBytes, maxFields: 3, maxFieldBytes: 4096 },
      (scope) => {
        scope.post(
          '/api/complaints',
          {
            preHandler: [guards.authenticate],
            bodyLimit,
            schema: {
              tags: ['complaints'],
              summary: 'File a complaint with a photo and the refund asked for',
              description:
                'JSON with a base64 photo and its extension, or multipart/form-data with a `photo` file. The photo must be JPEG, PNG or WebP (by its bytes) within UPLOAD_MAX_BYTES and IMAGE_MAX_PIXELS. The caller needs a verified email (403 `email_not_verified`: open the link sent to the inbox, or ask for a new one with POST /api/auth/verify-email/resend) and an IBAN on their profile (400): the refund is paid to it. At most COMPLAINTS_PER_DAY complaints per user in any 24 hours (429 with Retry-After). Creates the complaint and its pending refund payout together.',
              headers: IdempotencyHeaders,
              body: {
                content: {
                  'application/json': { schema: NewComplaint },
                  'multipart/form-data': { schema: NewComplaintForm },
                },
              },
              response: { 201: Complaint },
            },
            // The form's schema documents it; the handler reads and checks the parts as they stream in.
            validatorCompiler: (route) =>
              (route.schema as { title?: string }).title === NEW_COMPLAINT_FORM
                ? () => true
                : validatorCompiler(route),
          },
          async (request, reply) => {
            const input = await inputOf(request)
            return idempotency.run(request, reply, async () => ({
              status: 201,
              body: await complaints.fileComplaint(actorOf(request), input),
            }))
          },
        )
      },
    )

    app.get(
      '/api/complaints/:id',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['complaints'],
          summary: 'A complaint',
          params: IdParams,
          response: { 200: Complaint },
        },
      },
      async (request) => complaints.getComplaint(actorOf(request), request.params.id),
    )

    app.put(
      '/api/complaints/:id/approve',
      {
        preHandler: approver,
        schema: {
          tags: ['complaints'],
          summary: 'Approve a pending complaint: its refund is paid out',
          description:
            'Approvers only, never the complainer (403 `own_request`, whatever their roles). Pending only (409 otherwise; of two approvers at once, one gets 409). Above APPROVAL_THRESHOLD_COMPLAINT_REFUND two different approvers must approve: the first approval answers 202 with the complaint still pending and the approval in `approvals`; the same approver again → 409 `already_approved_by_you`; the second approver’s → 200, approved. Emails the complainer once approved. Audited.',
          params: IdParams,
          response: { 200: Complaint, 202: Complaint },
        },
      },
      async (request, reply) => {
        const complaint = await complaints.approveComplaint(actorOf(request), request.params.id)
        return reply.code(complaint.status === 'pending' ? 202 : 200).send(complaint)
      },
    )

    app.put(
      '/api/complaints/:id/reject',
      {
        preHandler: approver,
        preValidation: [
          existsBeforeValidation(complaints.assertExists),
          // The reason is optional, and so is the body that carries it.
          async (request) => {
            // Typed as the schema's object, but undefined when the request had no body.
            if ((request.body as unknown) === undefined) request.body = {}
          },
        ],
        schema: {
          tags: ['complaints'],
          summary: 'Reject a pending complaint: its refund is cancelled',
          description:
            'Approvers only, never the complainer (403 `own_request`). Pending only (409 otherwise); a complaint waiting for its second approval is rejected at once. The refund payout is cancelled (and a transfer prepared at the provider too). Emails the complainer with the reason. Audited.',
          params: IdParams,
          body: Rejection,
          response: { 200: Complaint },
        },
      },
      async (request) => complaints.rejectComplaint(actorOf(request), request.params.id, request.body.reason),
    )

    app.delete(
      '/api/complaints/:id',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin')],
        schema: {
          tags: ['complaints'],
          summary: 'Delete a complaint and cancel its refund',
          description: 'Admins only. 409 once the refund was funded.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await complaints.deleteComplaint(actorOf(request), request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
