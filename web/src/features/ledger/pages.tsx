import type { PageDef } from '../../pages'
import { LedgerList } from './LedgerList'

/**
 * The ledger is for operators and admins; roles do not imply each other and a page has one access
 * value, so each role has its own path to the same page.
 */
export const ledgerPages: PageDef[] = [
  { path: '/ledger', access: 'operator', render: () => <LedgerList />, nav: { label: 'Ledger', order: 60 } },
  {
    path: '/admin/ledger',
    access: 'admin',
    render: () => <LedgerList />,
    nav: { label: 'Ledger', order: 61 },
  },
]
