import type { PageDef } from '../../pages'
import { AnticipationList } from './AnticipationList'

export const anticipationsPages: PageDef[] = [
  {
    path: '/anticipations',
    access: 'supplier-or-operator',
    render: () => <AnticipationList />,
    nav: { label: 'Early payments', order: 21 },
  },
]
