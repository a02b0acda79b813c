import type { PageDef } from '../../pages'
import { StatisticsPage } from './StatisticsPage'

/** Every report, each shown only to the roles the API serves it to (StatisticsPage checks). */
export const statisticsPages: PageDef[] = [
  {
    path: '/statistics',
    access: ['admin', 'operator', 'approver', 'supplier'],
    render: () => (
      <StatisticsPage
        title="Statistics"
        reports={['overview', 'bookings', 'payables', 'payouts', 'complaints']}
      />
    ),
    nav: { label: 'Statistics', order: 70 },
  },
]
