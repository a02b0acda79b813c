import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { api } from './api/client'
import { useMe, useSignedIn } from './api/me'
import { setTokens, tokens } from './api/session'
import { adminPages } from './features/admin/pages'
import { anticipationsPages } from './features/anticipations/pages'
import { authPages } from './features/auth/pages'
import { bookingsPages } from './features/bookings/pages'
import { companiesPages } from './features/companies/pages'
import { complaintsPages } from './features/complaints/pages'
import { homePages } from './features/home/pages'
import { ledgerPages } from './features/ledger/pages'
import { paymentsPages } from './features/payments/pages'
import { payoutsPages } from './features/payouts/pages'
import { statisticsPages } from './features/statistics/pages'
import { suppliersPages } from './features/suppliers/pages'
import { mayOpen, navLinks, NavLinks, type NavLink, type PageDef } from './pages'
import { Link, matchPath, navigate, useLocation } from './router'
import { Page } from './ui/Page'
import { ErrorNotice, Loading } from './ui/states'

/** Every page of the console, feature by feature. */
export const PAGES: PageDef[] = [
  ...homePages,
  ...authPages,
  ...paymentsPages,
  ...anticipationsPages,
  ...suppliersPages,
  ...companiesPages,
  ...payoutsPages,
  ...bookingsPages,
  ...complaintsPages,
  ...adminPages,
  ...ledgerPages,
  ...statisticsPages,
]

function findPage(path: string): { page: PageDef; params: Record<string, string> } | undefined {
  for (const page of PAGES) {
    const params = matchPath(page.path, path)
    if (params) return { page, params }
  }
  return undefined
}

export function App() {
  const { path, query } = useLocation()
  const signedIn = useSignedIn()
  const me = useMe()
  const found = findPage(path)
  const needsSignIn = found !== undefined && found.page.access !== 'public' && !signedIn

  useEffect(() => {
    if (needsSignIn)
      navigate(`/sign-in?next=${encodeURIComponent(path + (query.size ? `?${query}` : ''))}`, {
        replace: true,
      })
  }, [needsSignIn, path, query])

  const links = navLinks(PAGES, me.data)
  return (
    <NavLinks.Provider value={links}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header links={links} />
      <main id="main" tabIndex={-1}>
        {!found ? (
          <Page title="Page not found">
            <p>
              There is no page at {path}. <Link to="/">Go to the start page</Link>.
            </p>
          </Page>
        ) : found.page.access === 'public' ? (
          found.page.render(found.params)
        ) : needsSignIn || me.isPending ? (
          <Loading />
        ) : me.error ? (
          <ErrorNotice error={me.error} />
        ) : mayOpen(found.page.access, me.data) ? (
          found.page.render(found.params)
        ) : (
          <Page title="Not available">
            <p>Your account does not have access to this page. An admin can grant you the role it needs.</p>
          </Page>
        )}
      </main>
    </NavLinks.Provider>
  )
}

function Header({ links }: { links: NavLink[] }) {
  const me = useMe()
  const queryClient = useQueryClient()
  const { path } = useLocation()
  const signOut = async () => {
    const refresh = tokens()?.refresh
    if (refresh) await api.POST('/api/auth/logout', { body: { refresh } }).catch(() => undefined)
    setTokens(null)
    queryClient.clear()
    navigate('/sign-in')
  }
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Bureau
      </Link>
      {me.data ? (
        <>
          <nav aria-label="Main">
            <ul>
              {links.map((link) => (
                <li key={link.path}>
                  <Link to={link.path} aria-current={path === link.path ? 'page' : undefined}>
                    {link.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="account">
            <Link to="/profile">{me.data.first_name || me.data.email}</Link>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </>
      ) : (
        <div className="account">
          <Link to="/sign-in">Sign in</Link>
          <Link to="/register">Create an account</Link>
        </div>
      )}
    </header>
  )
}
