import { Link, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { useSuppliers } from './queries'
import { SupplierForm } from './SupplierForm'

export function SupplierList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const suppliers = useSuppliers(page)
  return (
    <Page title="Suppliers">
      <QueryState query={suppliers}>
        {(list) => (
          <>
            <DataTable
              caption="Suppliers"
              rows={list.results}
              empty="No supplier yet: link a user and a company below."
              columns={[
                { header: 'Supplier', cell: (row) => `#${row.id}` },
                {
                  header: 'Company',
                  cell: (row) => <Link to={`/companies/${row.company}`}>{row.corporate_name}</Link>,
                },
                { header: 'Registration number', cell: (row) => row.reg_number },
                { header: 'User', cell: (row) => `#${row.user}` },
                {
                  header: 'Payments',
                  cell: (row) => <Link to={`/payments?supplier=${row.id}`}>Payments of #{row.id}</Link>,
                },
              ]}
            />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
      <SupplierForm />
    </Page>
  )
}
