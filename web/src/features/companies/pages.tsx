import type { PageDef } from '../../pages'
import { CompanyList } from './CompanyList'
import { CompanyDetail, NewCompany } from './CompanyPages'

export const companiesPages: PageDef[] = [
  {
    path: '/companies',
    access: 'operator',
    render: () => <CompanyList />,
    nav: { label: 'Companies', order: 23 },
  },
  { path: '/companies/new', access: 'operator', render: () => <NewCompany /> },
  {
    path: '/companies/:id',
    access: 'operator',
    render: (params) => <CompanyDetail key={params.id} id={Number(params.id)} />,
  },
]
