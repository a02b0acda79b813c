import { ConfirmButton } from '../../ui/ConfirmButton'
import { DataTable } from '../../ui/DataTable'
import { DateText } from '../../ui/Money'
import { ErrorNotice } from '../../ui/states'
import { BankAccountForm } from './BankAccountForm'
import { useDeleteBankAccount, useMakeDefault, type BankAccount, type Company } from './queries'

export function accountText(account: BankAccount): string {
  return (
    account.iban ?? [account.bank_code, account.branch, account.account_number].filter(Boolean).join(' / ')
  )
}

/** A company's bank accounts: where its early payments and refunds are paid (the default per currency). */
export function BankAccounts({ company }: { company: Company }) {
  const makeDefault = useMakeDefault(company.id)
  const remove = useDeleteBankAccount(company.id)
  return (
    <section aria-labelledby="bank-accounts-title">
      <h2 id="bank-accounts-title">Bank accounts</h2>
      <ErrorNotice error={makeDefault.error ?? remove.error} />
      <DataTable
        caption="Bank accounts"
        rows={company.bank_accounts}
        empty="No bank account yet: payouts to this company cannot be made."
        columns={[
          { header: 'Holder', cell: (row) => row.holder_name },
          { header: 'Account', cell: accountText },
          { header: 'Currency', cell: (row) => `${row.currency} (${row.country})` },
          { header: 'Default', cell: (row) => (row.is_default ? `Default for ${row.currency}` : 'No') },
          { header: 'Added', cell: (row) => <DateText date={row.created_at} /> },
          {
            header: 'Actions',
            cell: (row) => (
              <div className="bank-account-actions">
                {row.is_default ? null : (
                  <ConfirmButton
                    title="Make this the default account?"
                    message={
                      <p>
                        Payouts in {row.currency} to this company will go to {accountText(row)}.
                      </p>
                    }
                    confirmLabel="Make default"
                    disabled={makeDefault.isPending}
                    onConfirm={() => makeDefault.mutate(row.id)}
                  >
                    Make default
                  </ConfirmButton>
                )}
                <ConfirmButton
                  title="Delete this bank account?"
                  message={<p>{accountText(row)} will no longer receive payouts.</p>}
                  confirmLabel="Delete"
                  danger
                  disabled={remove.isPending}
                  onConfirm={() => remove.mutate(row.id)}
                >
                  Delete
                </ConfirmButton>
              </div>
            ),
          },
        ]}
      />
      <BankAccountForm companyId={company.id} />
    </section>
  )
}
