import { useMutation } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import { Link, useLocation } from '../../router'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { ErrorNotice, Loading, Notice } from '../../ui/states'

/** The page the verification email links to: it verifies at once, without a click. */
export function VerifyEmail() {
  const token = useLocation().query.get('token') ?? ''
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/auth/verify-email', { body: { token } })),
  })
  const started = useRef(false)
  useEffect(() => {
    if (started.current) return
    started.current = true
    verify.mutate()
  }, [verify])
  return (
    <Page title="Verify your email">
      {verify.isSuccess ? (
        <Notice>
          Your email address is verified. <Link to="/">Continue</Link>
        </Notice>
      ) : verify.error ? (
        <ErrorNotice error={verify.error} />
      ) : (
        <Loading what="Verifying" />
      )}
    </Page>
  )
}

export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const request = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/auth/password-reset', { body: { email } })),
  })
  return (
    <Page title="Forgotten password">
      {request.isSuccess ? (
        <Notice>If an account uses {email}, a link to choose a new password is on its way.</Notice>
      ) : (
        <form className="form narrow" onSubmit={onSubmit(() => request.mutate())} noValidate>
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={setEmail}
            error={request.error}
          />
          <FormErrors error={request.error} fields={['email']} />
          <button type="submit" className="primary" disabled={request.isPending}>
            Send me a link
          </button>
        </form>
      )}
    </Page>
  )
}

export function ResetPassword() {
  const token = useLocation().query.get('token') ?? ''
  const [password, setPassword] = useState('')
  const reset = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/auth/password-reset/confirm', { body: { token, new_password: password } })),
  })
  return (
    <Page title="Choose a new password">
      {reset.isSuccess ? (
        <Notice>
          Your password is changed and every other session is signed out. <Link to="/sign-in">Sign in</Link>
        </Notice>
      ) : (
        <form className="form narrow" onSubmit={onSubmit(() => reset.mutate())} noValidate>
          <TextField
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={setPassword}
            error={reset.error}
          />
          <FormErrors error={reset.error} fields={['new_password']} />
          <button type="submit" className="primary" disabled={reset.isPending}>
            Change password
          </button>
        </form>
      )}
    </Page>
  )
}
