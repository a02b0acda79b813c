import { useContext } from 'react'
import { useMe } from '../../api/me'
import { NavLinks } from '../../pages'
import { Link } from '../../router'
import { Page } from '../../ui/Page'
import { Loading } from '../../ui/states'

/** The start page: what this user can do here, in the order of the navigation. */
export function Home() {
  const me = useMe()
  const links = useContext(NavLinks)
  if (!me.data) return <Loading />
  const roles = me.data.roles.length ? me.data.roles.join(', ') : 'no staff role'
  return (
    <Page title={`Hello, ${me.data.first_name || me.data.email}`}>
      <p className="muted">
        Signed in as {me.data.email} ({roles}
        {me.data.supplier != null ? ', acting for a supplier' : ''}).
      </p>
      <ul className="cards">
        {links.map((link) => (
          <li key={link.path}>
            <Link to={link.path}>{link.label}</Link>
          </li>
        ))}
      </ul>
    </Page>
  )
}
