import { sql, type RawBuilder } from 'kysely'

/**
 * Payouts as movements of money out, for a ledger that lists them with other modules' movements.
 * The columns every source of movements gives, in this order:
 *
 *   at, direction, kind, amount_cents (bigint), currency, status, subject_type, subject_id, provider,
 *   provider_ref, source (which table: it orders rows of equal `at` and `id`), id, settled (the money
 *   has left: funded at the provider, or paid)
 *
 * The subject of a payout is what it pays: a complaint's refund or an anticipation's early payment.
 * Filters on these columns reach the table's indexes (created_at, purpose) through the union.
 */
export function payoutMovements(): RawBuilder<unknown> {
  return sql`
    select p.created_at as at, 'out'::text as direction, p.purpose::text as kind,
      (p.amount * 100)::bigint as amount_cents, p.currency::text as currency, p.status::text as status,
      (case p.purpose when 'complaint_refund' then 'complaint' else 'anticipation' end)::text as subject_type,
      p.subject_id, p.provider::text as provider,
      coalesce(p.provider_transfer_id, p.reference) as provider_ref, 3 as source, p.id,
      p.status in ('funded', 'completed') as settled
    from payouts p`
}
