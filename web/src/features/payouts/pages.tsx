import type { PageDef } from '../../pages'
import { PayoutList } from './PayoutList'

export const payoutsPages: PageDef[] = [
  {
    path: '/payouts',
    access: 'operator',
    render: () => <PayoutList />,
    nav: { label: 'Payouts', order: 24 },
  },
]
