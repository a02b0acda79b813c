import { useState } from 'react'
import { useMe } from '../../api/me'
import { Link, setQuery, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { onSubmit } from '../../ui/form'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { StatusBadge, Tabs } from '../../ui/Tabs'
import { QueryState } from '../../ui/states'
import {
  PAYMENT_STATUS_LABELS,
  PAYMENT_STATUSES,
  paymentStatusLabel,
  usePaymentCounts,
  usePayments,
  type PaymentStatus,
} from './queries'
import './payments.css'

function statusFrom(query: URLSearchParams): PaymentStatus | undefined {
  const status = query.get('status')?.toUpperCase()
  return PAYMENT_STATUSES.find((known) => known === status)
}

function supplierFrom(query: URLSearchParams): number | undefined {
  const supplier = Number(query.get('supplier'))
  return Number.isInteger(supplier) && supplier > 0 ? supplier : undefined
}

/** Payments owed to suppliers, by status: a supplier's own, or every supplier's for operators. */
export function PaymentList() {
  const { query } = useLocation()
  const me = useMe()
  const operator = me.data?.roles.includes('operator') ?? false
  const status = statusFrom(query)
  const supplier = operator ? supplierFrom(query) : undefined
  const page = pageFrom(query)
  const payments = usePayments({ status, supplier, page })
  const counts = usePaymentCounts(supplier)
  const tabs = [
    { value: 'all' as const, label: 'All', count: counts.all },
    ...PAYMENT_STATUSES.map((value) => ({
      value,
      label: PAYMENT_STATUS_LABELS[value],
      count: counts[value],
    })),
  ]
  return (
    <Page title={operator ? 'Payments to suppliers' : 'Your payments'}>
      {operator ? <SupplierFilter supplier={supplier} /> : null}
      <Tabs
        label="Payments by status"
        tabs={tabs}
        current={status ?? 'all'}
        onChange={(value) => setQuery({ status: value === 'all' ? undefined : value, page: undefined })}
      />
      <QueryState query={payments}>
        {(list) => (
          <>
            <DataTable
              caption="Payments"
              rows={list.results}
              empty={
                status ? `No payment is ${PAYMENT_STATUS_LABELS[status].toLowerCase()}.` : 'No payments yet.'
              }
              columns={[
                {
                  header: 'Payment',
                  cell: (row) => <Link to={`/payments/${row.id}`}>Payment #{row.id}</Link>,
                },
                ...(operator
                  ? [{ header: 'Supplier', cell: (row: { supplier: number }) => `#${row.supplier}` }]
                  : []),
                { header: 'Registered', cell: (row) => <DateText date={row.creation_date} /> },
                { header: 'Due', cell: (row) => <DateText date={row.due_date} /> },
                { header: 'Value', numeric: true, cell: (row) => <Money amount={row.value} /> },
                {
                  header: 'Status',
                  cell: (row) => <StatusBadge status={row.status} label={paymentStatusLabel(row.status)} />,
                },
              ]}
            />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function SupplierFilter({ supplier }: { supplier: number | undefined }) {
  const [value, setValue] = useState(supplier ? String(supplier) : '')
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Filter payments"
      onSubmit={onSubmit(() => setQuery({ supplier: value.trim(), page: undefined }))}
    >
      <div className="field">
        <label htmlFor="payments-supplier">Supplier id</label>
        <input
          id="payments-supplier"
          inputMode="numeric"
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      <button type="submit">Filter</button>
      {supplier ? (
        <button type="button" onClick={() => setQuery({ supplier: undefined, page: undefined })}>
          All suppliers
        </button>
      ) : null}
    </form>
  )
}
