import { useState } from 'react'
import { Link } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { Field, FormErrors } from '../../ui/form'
import { formatDate, formatMoney, formatRate, today } from '../../ui/format'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { StatusBadge } from '../../ui/Tabs'
import { Notice, QueryState } from '../../ui/states'
import { paymentStatusLabel, usePayment, useQuote, useRequestEarlyPayment } from './queries'
import { useDebounced } from './useDebounced'
import './payments.css'

type Payment = NonNullable<ReturnType<typeof usePayment>['data']>
type Request = ReturnType<typeof useRequestEarlyPayment>

function Requested({ anticipation }: { anticipation: NonNullable<Request['data']> }) {
  return (
    <Notice>
      <p>
        Early payment requested: {formatMoney(anticipation.new_value)} on{' '}
        {formatDate(anticipation.new_due_date)}. An operator will decide; follow it in{' '}
        <Link to="/anticipations">Early payments</Link>.
      </p>
    </Notice>
  )
}

/** One payment: its details and, while it is available, the early payment a supplier may ask for. */
export function PaymentDetail({ id }: { id: number }) {
  const payment = usePayment(id)
  const request = useRequestEarlyPayment(id)
  return (
    <Page title={`Payment #${id}`}>
      <p>
        <Link to="/payments">All payments</Link>
      </p>
      <QueryState query={payment}>
        {(found) => (
          <>
            <dl className="details">
              <dt>Supplier</dt>
              <dd>#{found.supplier}</dd>
              <dt>Registered</dt>
              <dd>
                <DateText date={found.creation_date} />
              </dd>
              <dt>Due</dt>
              <dd>
                <DateText date={found.due_date} />
              </dd>
              <dt>Value</dt>
              <dd>
                <Money amount={found.value} />
              </dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={found.status} label={paymentStatusLabel(found.status)} />
              </dd>
            </dl>
            {request.data ? (
              <Requested anticipation={request.data} />
            ) : found.status === 'A' ? (
              <EarlyPayment payment={found} request={request} />
            ) : (
              <p className="muted">
                Early payment can be asked for while a payment is available.{' '}
                {['PC', 'AN', 'D'].includes(found.status) ? (
                  <>
                    This payment’s request is in <Link to="/anticipations">Early payments</Link>.
                  </>
                ) : null}
              </p>
            )}
          </>
        )}
      </QueryState>
    </Page>
  )
}

/** The quote follows the chosen date (asked of the API once the date settles); the request needs a confirmation. */
function EarlyPayment({ payment, request }: { payment: Payment; request: Request }) {
  const [date, setDate] = useState('')
  const settled = useDebounced(date, 350)
  const quote = useQuote(payment.id, settled)
  const shown = quote.data && quote.data.new_due_date === settled ? quote.data : undefined
  return (
    <section className="form quote" aria-labelledby="quote-title">
      <h2 id="quote-title">Get paid earlier</h2>
      <Field
        label="Pay me on"
        name="new_due_date"
        error={quote.error ?? request.error}
        hint="A date from today and before the due date."
      >
        {(props) => (
          <input
            {...props}
            type="date"
            min={today()}
            max={payment.due_date}
            value={date}
            onChange={(event) => setDate(event.target.value)}
          />
        )}
      </Field>
      <QuoteFigures quote={shown} loading={quote.isFetching} />
      <FormErrors error={request.error} fields={['new_due_date']} />
      <ConfirmButton
        title="Request early payment?"
        message={
          shown ? (
            <p>
              You will be paid {formatMoney(shown.new_value)} on {formatDate(shown.new_due_date)} instead of{' '}
              {formatMoney(shown.value)} on {formatDate(payment.due_date)}: a discount of{' '}
              {formatMoney(shown.discount)}. A payment can be anticipated once; an operator decides.
            </p>
          ) : (
            <p>Choose a date first.</p>
          )
        }
        confirmLabel="Request early payment"
        disabled={!shown || request.isPending}
        onConfirm={() => request.mutate(settled)}
      >
        Request early payment
      </ConfirmButton>
    </section>
  )
}

function QuoteFigures({ quote, loading }: { quote: ReturnType<typeof useQuote>['data']; loading: boolean }) {
  return (
    <div aria-live="polite" aria-busy={loading}>
      {quote ? (
        <dl className="details quote-figures" aria-label="Quote">
          <dt>Days earlier</dt>
          <dd>{quote.days}</dd>
          <dt>New value</dt>
          <dd data-testid="quote-new-value">
            <Money amount={quote.new_value} />
          </dd>
          <dt>Discount</dt>
          <dd>
            <Money amount={quote.discount} />
          </dd>
          <dt>Effective annual rate</dt>
          <dd>{formatRate(quote.effective_annual_rate)}</dd>
        </dl>
      ) : (
        <p className="muted">{loading ? 'Quoting…' : 'Choose a date to see what you would be paid.'}</p>
      )}
    </div>
  )
}
