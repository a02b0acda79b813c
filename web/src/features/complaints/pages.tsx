import type { PageDef } from '../../pages'
import { ApproverQueue } from './ApproverQueue'
import { ComplaintForm } from './ComplaintForm'
import { ComplaintList } from './ComplaintList'

export const complaintsPages: PageDef[] = [
  {
    path: '/complaints',
    access: 'signed-in',
    render: () => <ComplaintList />,
    nav: { label: 'My complaints', order: 20 },
  },
  { path: '/complaints/new', access: 'signed-in', render: () => <ComplaintForm /> },
  {
    path: '/complaints/waiting',
    access: 'approver',
    render: () => <ApproverQueue />,
    nav: { label: 'Complaints waiting', order: 30 },
  },
]
