import { useState } from 'react'
import { idempotencyKey } from '../../api/client'
import { ApiError } from '../../api/problem'
import { Link, navigate } from '../../router'
import { Field, FormErrors, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { PhotoPicker, usePhoto } from './PhotoPicker'
import { useFileComplaint } from './queries'
import './complaints.css'
import { useFields } from '../../ui/useFields'

const FIELDS = ['title', 'description', 'amount', 'photo']

/** File a complaint: what happened, the refund asked for and a photo of it. */
export function ComplaintForm() {
  const [form, set] = useFields({ title: '', description: '', amount: '' })
  const [photo, choosePhoto] = usePhoto()
  // One key per complaint being written: a retried send files it once.
  const [key, setKey] = useState(idempotencyKey)
  const file = useFileComplaint()
  const submit = () => {
    file.mutate(
      { key, complaint: { ...form, photo: photo?.file ?? null } },
      {
        onSuccess: (complaint) => {
          setKey(idempotencyKey())
          choosePhoto(null)
          navigate(`/complaints?filed=${complaint.id}`)
        },
      },
    )
  }
  const error = file.error
  return (
    <Page title="File a complaint">
      <form className="form" onSubmit={onSubmit(submit)} noValidate aria-label="Complaint">
        <TextField label="Title" name="title" value={form.title} onChange={set('title')} error={error} />
        <Field label="What happened" name="description" error={error}>
          {(props) => (
            <textarea
              {...props}
              rows={4}
              value={form.description}
              onChange={(event) => set('description')(event.target.value)}
            />
          )}
        </Field>
        <TextField
          label="Refund asked for"
          name="amount"
          inputMode="decimal"
          hint="For example 120.00"
          value={form.amount}
          onChange={set('amount')}
          error={error}
        />
        <PhotoPicker photo={photo} onChoose={choosePhoto} error={error} />
        <FormErrors error={error} fields={FIELDS} />
        <ProfileLink error={error} />
        <button type="submit" className="primary" disabled={file.isPending}>
          File complaint
        </button>
      </form>
    </Page>
  )
}

/** When the API asks for something on the profile (a verified email, an IBAN), the way there. */
function ProfileLink({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return null
  const aboutProfile =
    error.problem.code === 'email_not_verified' || error.field('non_field_errors').length > 0
  if (!aboutProfile) return null
  return (
    <p>
      <Link to="/profile">Open your profile</Link>
    </p>
  )
}
