import type { PageDef } from '../../pages'
import { AnticipationList } from './AnticipationList'
import { RequestLog } from './RequestLog'

export const anticipationsPages: PageDef[] = [
  {
    path: '/anticipations',
    access: 'supplier-or-operator',
    render: () => <AnticipationList />,
    nav: { label: 'Early payments', order: 21 },
  },
  { path: '/anticipations/log', access: 'supplier-or-operator', render: () => <RequestLog /> },
]
