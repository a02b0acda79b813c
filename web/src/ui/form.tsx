import { useId, type SyntheticEvent, type InputHTMLAttributes, type ReactNode } from 'react'
import { ApiError } from '../api/problem'

interface FieldControlProps {
  id: string
  name: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
}

/** The API's messages for one field of a failed request. */
export function fieldErrors(error: unknown, name: string): string[] {
  return error instanceof ApiError ? error.field(name) : []
}

/**
 * A labelled control with the API's messages for its field shown beneath it and announced:
 * `<Field label="IBAN" name="iban" error={mutation.error}>{(props) => <input {...props} />}</Field>`.
 */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string
  name: string
  error: unknown
  hint?: string
  children: (props: FieldControlProps) => ReactNode
}) {
  const id = useId()
  const messages = fieldErrors(error, name)
  const describedBy = [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ')
  return (
    <div className={messages.length ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        'aria-invalid': messages.length > 0,
        'aria-describedby': describedBy || undefined,
      })}
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {messages.length ? (
        <div id={`${id}-error`} role="alert">
          <ul className="field-error">
            {messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}

/** A text input bound to a string, the common case of Field. */
export function TextField({
  label,
  name,
  value,
  onChange,
  error,
  hint,
  ...input
}: {
  label: string
  name: string
  value: string
  onChange: (value: string) => void
  error: unknown
  hint?: string
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name'>) {
  return (
    <Field label={label} name={name} error={error} {...(hint ? { hint } : {})}>
      {(props) => (
        <input {...input} {...props} value={value} onChange={(event) => onChange(event.target.value)} />
      )}
    </Field>
  )
}

/**
 * What a failed request says beyond its fields: rules about the whole request
 * (`non_field_errors`) or, when no field of this form is named, the API's detail.
 */
export function FormErrors({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null
  if (!(error instanceof ApiError)) {
    return (
      <p className="form-error" role="alert">
        {error instanceof Error ? error.message : 'Something went wrong.'}
      </p>
    )
  }
  const general = error.field('non_field_errors')
  const named = fields.some((field) => error.field(field).length > 0)
  const other = Object.entries(error.problem.errors ?? {}).filter(
    ([field]) => field !== 'non_field_errors' && !fields.includes(field),
  )
  const lines = [
    ...general,
    ...other.flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`)),
  ]
  if (lines.length === 0 && !named) lines.push(error.message)
  if (lines.length === 0) return null
  return (
    <div className="form-error" role="alert">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  )
}

/** Calls `submit` on submit without reloading the page. */
export function onSubmit(submit: () => void) {
  return (event: SyntheticEvent) => {
    event.preventDefault()
    submit()
  }
}
