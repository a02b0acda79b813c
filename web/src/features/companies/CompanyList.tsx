import { useState } from 'react'
import { Link, setQuery, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { onSubmit } from '../../ui/form'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { useCompanies } from './queries'

export function CompanyList() {
  const { query } = useLocation()
  const search = query.get('search') ?? ''
  const page = pageFrom(query)
  const companies = useCompanies(search, page)
  const [text, setText] = useState(search)
  return (
    <Page
      title="Companies"
      actions={
        <Link to="/companies/new" className="button">
          New company
        </Link>
      }
    >
      <form
        className="toolbar"
        role="search"
        aria-label="Search companies"
        onSubmit={onSubmit(() => setQuery({ search: text.trim(), page: undefined }))}
      >
        <div className="field">
          <label htmlFor="companies-search">Name or registration number</label>
          <input
            id="companies-search"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <QueryState query={companies}>
        {(list) => (
          <>
            <DataTable
              caption="Companies"
              rows={list.results}
              empty={search ? `No company matches “${search}”.` : 'No company yet.'}
              columns={[
                {
                  header: 'Legal name',
                  cell: (row) => <Link to={`/companies/${row.id}`}>{row.legal_name}</Link>,
                },
                { header: 'Trade name', cell: (row) => row.trade_name ?? '—' },
                { header: 'Registration number', cell: (row) => row.registration_number },
                { header: 'Email', cell: (row) => row.email },
              ]}
            />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}
