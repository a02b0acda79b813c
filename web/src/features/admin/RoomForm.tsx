import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Notice } from '../../ui/states'
import { servicesFrom } from './HotelForm'
import type { RoomInput } from './hotel-queries'
import { useFields } from '../../ui/useFields'

const FIELDS = ['name', 'description', 'price', 'quantity', 'services']

/** A room type: its name, price per night, how many the hotel has, and what it offers. */
export function RoomForm({
  title,
  initial,
  submitLabel,
  save,
}: {
  title: string
  initial?: RoomInput
  submitLabel: string
  save: {
    mutate: (input: RoomInput, options?: { onSuccess?: () => void }) => void
    error: unknown
    isPending: boolean
    isSuccess: boolean
  }
}) {
  const empty = { name: '', description: '', price: '', quantity: '1', services: '' }
  const [form, set, setForm] = useFields(
    initial
      ? {
          name: initial.name,
          description: initial.description,
          price: initial.price,
          quantity: String(initial.quantity),
          services: initial.services.join(', '),
        }
      : empty,
  )
  const submit = () =>
    save.mutate(
      // The API checks the price and the quantity; the form sends what was typed.
      { ...form, quantity: Number(form.quantity), services: servicesFrom(form.services) },
      { onSuccess: () => (initial ? undefined : setForm(empty)) },
    )
  const error = save.error
  return (
    <form className="form" onSubmit={onSubmit(submit)} noValidate aria-label={title}>
      <h3>{title}</h3>
      <TextField label="Name" name="name" required value={form.name} onChange={set('name')} error={error} />
      <TextField
        label="Description"
        name="description"
        value={form.description}
        onChange={set('description')}
        error={error}
      />
      <TextField
        label="Price per night"
        name="price"
        inputMode="decimal"
        required
        value={form.price}
        onChange={set('price')}
        error={error}
      />
      <TextField
        label="Rooms of this type"
        name="quantity"
        type="number"
        min={1}
        required
        value={form.quantity}
        onChange={set('quantity')}
        error={error}
      />
      <TextField
        label="Services"
        name="services"
        hint="Separated by commas."
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
