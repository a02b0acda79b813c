import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Notice } from '../../ui/states'
import type { HotelInput } from './hotel-queries'
import { useFields } from '../../ui/useFields'

const FIELDS = ['name', 'location', 'address', 'services']

/** "wifi, pool" as the list the API takes. */
export function servicesFrom(text: string): string[] {
  return text
    .split(',')
    .map((service) => service.trim())
    .filter(Boolean)
}

/** A hotel's details, to create one or change one. */
export function HotelForm({
  title,
  initial,
  submitLabel,
  save,
}: {
  title: string
  initial?: HotelInput
  submitLabel: string
  save: {
    mutate: (input: HotelInput, options?: { onSuccess?: () => void }) => void
    error: unknown
    isPending: boolean
    isSuccess: boolean
  }
}) {
  const [form, set, setForm] = useFields({
    name: initial?.name ?? '',
    location: initial?.location ?? '',
    address: initial?.address ?? '',
    services: initial?.services.join(', ') ?? '',
  })
  const submit = () =>
    save.mutate(
      { ...form, services: servicesFrom(form.services) },
      {
        onSuccess: () =>
          initial ? undefined : setForm({ name: '', location: '', address: '', services: '' }),
      },
    )
  const error = save.error
  const id = title.toLowerCase().replace(/\W+/g, '-')
  return (
    <form className="form" onSubmit={onSubmit(submit)} noValidate aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <TextField label="Name" name="name" required value={form.name} onChange={set('name')} error={error} />
      <TextField
        label="Location"
        name="location"
        hint="City or area, as guests search for it."
        required
        value={form.location}
        onChange={set('location')}
        error={error}
      />
      <TextField
        label="Address"
        name="address"
        value={form.address}
        onChange={set('address')}
        error={error}
      />
      <TextField
        label="Services"
        name="services"
        hint="Separated by commas: wifi, pool, breakfast."
        value={form.services}
        onChange={set('services')}
        error={error}
      />
      <FormErrors error={error} fields={FIELDS} />
      {save.isSuccess ? <Notice>Saved.</Notice> : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        {submitLabel}
      </button>
    </form>
  )
}
