import { useMutation } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import { Link } from '../../router'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { Notice } from '../../ui/states'
import { useFields } from '../../ui/useFields'

const FIELDS = ['email', 'password', 'first_name', 'last_name', 'phone', 'iban'] as const
type Fields = Record<(typeof FIELDS)[number], string>

export function Register() {
  const [form, set] = useFields<Fields>({
    email: '',
    password: '',
    first_name: '',
    last_name: '',
    phone: '',
    iban: '',
  })
  const register = useMutation({
    mutationFn: async () => {
      const { phone, iban, ...required } = form
      const body = { ...required, ...(phone ? { phone } : {}), ...(iban ? { iban } : {}) }
      return unwrap(await api.POST('/api/auth/register', { body }))
    },
  })
  if (register.isSuccess) {
    return (
      <Page title="Check your inbox">
        <Notice>
          We sent a link to <strong>{register.data.email}</strong>. Open it to verify your address, then{' '}
          <Link to="/sign-in">sign in</Link>.
        </Notice>
      </Page>
    )
  }
  const error = register.error
  return (
    <Page title="Create an account">
      <form className="form narrow" onSubmit={onSubmit(() => register.mutate())} noValidate>
        <TextField
          label="First name"
          name="first_name"
          autoComplete="given-name"
          required
          value={form.first_name}
          onChange={set('first_name')}
          error={error}
        />
        <TextField
          label="Last name"
          name="last_name"
          autoComplete="family-name"
          required
          value={form.last_name}
          onChange={set('last_name')}
          error={error}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          error={error}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters, not only digits, not your email."
          value={form.password}
          onChange={set('password')}
          error={error}
        />
        <TextField
          label="Phone (optional)"
          name="phone"
          type="tel"
          autoComplete="tel"
          value={form.phone}
          onChange={set('phone')}
          error={error}
        />
        <TextField
          label="IBAN (optional)"
          name="iban"
          hint="Refunds of your complaints are paid to it."
          value={form.iban}
          onChange={set('iban')}
          error={error}
        />
        <FormErrors error={error} fields={[...FIELDS]} />
        <button type="submit" className="primary" disabled={register.isPending}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </Page>
  )
}
