import type { PageDef } from '../../pages'
import { StatisticsPage } from './StatisticsPage'

/**
 * Reports by role, as the API serves them. Roles do not imply each other and a page has one access
 * value, so admins, finance (operators and suppliers' users) and approvers each have a page; inside,
 * each report is shown only to the roles that may read it.
 */
export const statisticsPages: PageDef[] = [
  {
    path: '/statistics',
    access: 'admin',
    render: () => (
      <StatisticsPage
        title="Statistics"
        reports={['overview', 'bookings', 'payables', 'payouts', 'complaints']}
      />
    ),
    nav: { label: 'Statistics', order: 70 },
  },
  {
    path: '/statistics/finance',
    access: 'supplier-or-operator',
    render: () => <StatisticsPage title="Finance statistics" reports={['payables', 'payouts']} />,
    nav: { label: 'Finance statistics', order: 71 },
  },
  {
    path: '/statistics/complaints',
    access: 'approver',
    render: () => <StatisticsPage title="Complaint statistics" reports={['complaints']} />,
    nav: { label: 'Complaint statistics', order: 72 },
  },
]
