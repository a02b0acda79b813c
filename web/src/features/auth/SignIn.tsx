import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import { setTokens } from '../../api/session'
import { Link, navigate, useLocation } from '../../router'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'

/** Where to go after signing in: the page that asked for it, if it is one of ours. */
export function nextPage(query: URLSearchParams): string {
  const next = query.get('next') ?? '/'
  return next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

export function SignIn() {
  const { query } = useLocation()
  const queryClient = useQueryClient()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const providers = useQuery({
    queryKey: ['sso-providers'],
    queryFn: async () => unwrap(await api.GET('/api/auth/sso')),
  })
  const signIn = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/token/', { body: { email, password } })),
    onSuccess: (pair) => {
      queryClient.clear()
      setTokens(pair)
      navigate(nextPage(query), { replace: true })
    },
  })
  return (
    <Page title="Sign in">
      <form className="form narrow" onSubmit={onSubmit(() => signIn.mutate())} noValidate>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
          error={signIn.error}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={signIn.error}
        />
        <FormErrors error={signIn.error} fields={['email', 'password']} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {providers.data && providers.data.length > 0 ? (
        <div className="sso">
          <p className="muted">Or sign in with</p>
          {providers.data.map((provider) => (
            <a
              key={provider.name}
              className="button"
              href={`${provider.login_url}?next=${encodeURIComponent(nextPage(query))}`}
            >
              {provider.label}
            </a>
          ))}
        </div>
      ) : null}
      <p>
        <Link to="/forgot-password">Forgot your password?</Link> ·{' '}
        <Link to="/register">Create an account</Link>
      </p>
    </Page>
  )
}

/** Where single sign-on lands (SSO_SUCCESS_URL = APP_URL/signed-in): the tokens are in the fragment. */
export function SignedIn() {
  const queryClient = useQueryClient()
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const access = fragment.get('access')
  const refresh = fragment.get('refresh')
  if (access && refresh) {
    queryClient.clear()
    setTokens({ access, refresh })
    // The tokens leave the address bar (and the history) at once.
    queueMicrotask(() => navigate(nextPage(fragment), { replace: true }))
    return <p role="status">Signing you in…</p>
  }
  return (
    <Page title="Sign in">
      <p role="alert">
        The sign-in did not complete. <Link to="/sign-in">Try again</Link>.
      </p>
    </Page>
  )
}
