import type { PageDef } from '../../pages'
import { LedgerList } from './LedgerList'

export const ledgerPages: PageDef[] = [
  {
    path: '/ledger',
    access: ['operator', 'admin'],
    render: () => <LedgerList />,
    nav: { label: 'Ledger', order: 60 },
  },
]
