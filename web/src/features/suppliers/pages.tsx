import type { PageDef } from '../../pages'
import { SupplierList } from './SupplierList'

export const suppliersPages: PageDef[] = [
  {
    path: '/suppliers',
    access: 'operator',
    render: () => <SupplierList />,
    nav: { label: 'Suppliers', order: 22 },
  },
]
