import { Link, navigate } from '../../router'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { BankAccounts } from './BankAccounts'
import { CompanyForm } from './CompanyForm'
import { useCompany, useCreateCompany, useUpdateCompany, type Company } from './queries'
import './companies.css'

export function NewCompany() {
  const create = useCreateCompany()
  return (
    <Page title="New company">
      <p>
        <Link to="/companies">All companies</Link>
      </p>
      <CompanyForm
        save={{
          ...create,
          mutate: (body) =>
            create.mutate(body, { onSuccess: (company) => navigate(`/companies/${company.id}`) }),
        }}
      />
    </Page>
  )
}

export function CompanyDetail({ id }: { id: number }) {
  const company = useCompany(id)
  return (
    <Page title={company.data?.legal_name ?? `Company #${id}`}>
      <p>
        <Link to="/companies">All companies</Link>
      </p>
      <QueryState query={company}>
        {(found) => (
          <div className="company-layout">
            <BankAccounts company={found} />
            <EditCompany company={found} />
          </div>
        )}
      </QueryState>
    </Page>
  )
}

function EditCompany({ company }: { company: Company }) {
  const update = useUpdateCompany(company.id)
  return <CompanyForm company={company} save={{ ...update, mutate: (body) => update.mutate(body) }} />
}
