import type { PageDef } from '../../pages'
import { PaymentDetail } from './PaymentDetail'
import { PaymentList } from './PaymentList'

export const paymentsPages: PageDef[] = [
  {
    path: '/payments',
    access: 'supplier-or-operator',
    render: () => <PaymentList />,
    nav: { label: 'Payments', order: 20 },
  },
  {
    path: '/payments/:id',
    access: 'supplier-or-operator',
    render: (params) => <PaymentDetail key={params.id} id={Number(params.id)} />,
  },
]
