import { formatDate, formatDateTime, formatMoney } from './format'

export function Money({ amount, currency }: { amount: string; currency?: string | undefined }) {
  return <span className="money">{formatMoney(amount, currency)}</span>
}

export function DateText({ date }: { date: string | null | undefined }) {
  if (!date) return <span aria-label="none">—</span>
  return <time dateTime={date}>{date.length > 10 ? formatDateTime(date) : formatDate(date)}</time>
}
