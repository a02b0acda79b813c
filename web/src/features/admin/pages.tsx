import type { PageDef } from '../../pages'
import { AuditLog } from './AuditLog'
import { HotelDetail } from './HotelDetail'
import { HotelList } from './HotelList'
import { JobList } from './JobList'
import { UserList } from './UserList'

export const adminPages: PageDef[] = [
  { path: '/admin/users', access: 'admin', render: () => <UserList />, nav: { label: 'Users', order: 80 } },
  {
    path: '/admin/hotels',
    access: 'admin',
    render: () => <HotelList />,
    nav: { label: 'Hotel catalogue', order: 81 },
  },
  { path: '/admin/hotels/:id', access: 'admin', render: ({ id }) => <HotelDetail id={Number(id)} /> },
  {
    path: '/admin/audit',
    access: 'admin',
    render: () => <AuditLog />,
    nav: { label: 'Audit log', order: 82 },
  },
  {
    path: '/admin/jobs',
    access: 'admin',
    render: () => <JobList />,
    nav: { label: 'Background jobs', order: 83 },
  },
]
