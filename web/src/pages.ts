import { createContext } from 'react'
import type { ReactNode } from 'react'
import type { Me, Role } from './api/me'

/** Who may open a page: anyone, anyone signed in, a role, or a supplier's user. */
export type Access = 'public' | 'signed-in' | Role | 'supplier' | 'supplier-or-operator'

/**
 * A page of the console. Each feature exports its pages; the shell lists the features in one place
 * (app.tsx) and builds the navigation from the pages that have a `nav` label and that the user may open.
 */
export interface PageDef {
  path: string
  /** One access value, or several of which any one opens the page (roles do not imply each other). */
  access: Access | readonly Access[]
  render: (params: Record<string, string>) => ReactNode
  nav?: { label: string; order: number }
}

export function mayOpen(access: Access | readonly Access[], me: Me | undefined): boolean {
  if (typeof access !== 'string') return access.some((one) => mayOpen(one, me))
  switch (access) {
    case 'public':
      return true
    case 'signed-in':
      return me !== undefined
    case 'supplier':
      return me?.supplier != null
    case 'supplier-or-operator':
      return me?.supplier != null || (me?.roles.includes('operator') ?? false)
    default:
      return me?.roles.includes(access) ?? false
  }
}

export interface NavLink {
  path: string
  label: string
}

/** The navigation of the signed-in user, as the shell built it (the start page lists it too). */
export const NavLinks = createContext<NavLink[]>([])

/** The pages with a navigation label that this user may open, in navigation order. */
export function navLinks(pages: PageDef[], me: Me | undefined): NavLink[] {
  return pages
    .filter((page) => page.nav && mayOpen(page.access, me))
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0))
    .map((page) => ({ path: page.path, label: page.nav?.label ?? page.path }))
}
