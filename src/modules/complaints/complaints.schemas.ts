import { Type, type Static } from 'typebox'
import { Approvals, ApprovalsRequired, PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Nullable = <T extends ReturnType<typeof Type.Integer | typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'] as const

export const Complaint = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    title: Type.String({ examples: ['Broken chair delivered'] }),
    description: Type.String({ examples: ['The chair arrived with a broken leg.'] }),
    photo_url: Type.String({
      format: 'uri',
      description: 'A signed link to the original photo; it expires (FILE_URL_TTL).',
    }),
    photo_variants: Type.Array(
      Type.Object({
        size: Type.Integer({ description: 'The width asked for: 1000, 500 or 200.', examples: [500] }),
        width: Type.Integer({ examples: [500] }),
        height: Type.Integer({ examples: [375] }),
        url: Type.String({ format: 'uri' }),
      }),
      { description: 'Resized WebP copies, once the background job made them (empty until then).' },
    ),
    amount: Type.String({ description: 'The refund asked for.', examples: ['120.00'] }),
    currency: Type.String({ description: 'REFUND_CURRENCY.', examples: ['EUR'] }),
    status: Type.String({ description: 'pending · approved · rejected', examples: ['pending'] }),
    created_at: Timestamp,
    complainer: Type.Integer({ description: 'The user who filed it.', examples: [2] }),
    decided_by: Nullable(Type.Integer({ description: 'The approver who decided.' })),
    decided_at: Nullable(Type.String({ format: 'date-time' })),
    reason: Nullable(Type.String({ description: 'Why it was rejected, when the approver said.' })),
    approvals: Approvals,
    approvals_required: ApprovalsRequired,
  },
  { title: 'Complaint' },
)
export type Complaint = Static<typeof Complaint>

const complaintFields = {
  title: Type.String({ minLength: 1, maxLength: 100, examples: ['Broken chair delivered'] }),
  description: Type.String({ maxLength: 2000, examples: ['The chair arrived with a broken leg.'] }),
  amount: Type.Union([Type.String({ maxLength: 20 }), Type.Number()], {
    description: 'The refund asked for: a decimal string or a number; more than 0, at most 100000.00.',
    examples: ['120.00'],
  }),
}

/** The JSON body; the route's body limit bounds the photo (a larger one decoded is a 413). */
export function NewComplaintJson() {
  return Type.Object(
    {
      ...complaintFields,
      encoded_photo: Type.String({
        minLength: 1,
        description:
          'The photo, base64-encoded (a `data:image/…;base64,` prefix is allowed); at most UPLOAD_MAX_BYTES once decoded.',
      }),
      extension: Type.String({
        maxLength: 10,
        description: 'The photo’s file extension: jpg, jpeg, png or webp; it must match the photo’s bytes.',
        examples: ['jpg'],
      }),
    },
    { additionalProperties: false, title: 'NewComplaint' },
  )
}
export type NewComplaintJson = Static<ReturnType<typeof NewComplaintJson>>

export const NEW_COMPLAINT_FORM = 'NewComplaintForm'

/** The multipart form, for the documentation (its text fields are checked as the JSON ones). */
export const NewComplaintForm = Type.Object(
  {
    ...complaintFields,
    amount: Type.String({ examples: ['120.00'] }),
    photo: Type.String({ format: 'binary', description: 'The photo file: JPEG, PNG or WebP.' }),
  },
  { title: NEW_COMPLAINT_FORM },
)

export const ComplaintsQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 20, description: 'pending, approved or rejected.' })),
  mine: Type.Optional(
    Type.Boolean({
      description:
        'true: only the complaints the caller filed, whatever their roles (approvers and admins included); false or absent: every complaint the caller may see.',
      default: false,
    }),
  ),
  ...PageQuery,
})
export type ComplaintsQuery = Static<typeof ComplaintsQuery>

export const ComplaintsPage = PageOf(Complaint, 'ComplaintsPage')

export const Rejection = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'Told to the complainer.',
        examples: ['No damage is visible.'],
      }),
    ),
  },
  { additionalProperties: false, title: 'ComplaintRejection' },
)
export type Rejection = Static<typeof Rejection>
