import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

export const KINDS = [
  { value: 'booking_payment', label: 'Booking payment' },
  { value: 'booking_refund', label: 'Booking refund' },
  { value: 'complaint_refund', label: 'Complaint refund' },
  { value: 'early_payment', label: 'Early payment' },
]

export function kindLabel(kind: string): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind
}

export interface LedgerFilters {
  from?: string | undefined
  to?: string | undefined
  kind?: string | undefined
  currency?: string | undefined
}

async function fetchLedger(filters: LedgerFilters, page: number) {
  return unwrap(await api.GET('/api/ledger', { params: { query: { ...filters, page } } }))
}

export type Movement = Awaited<ReturnType<typeof fetchLedger>>['results'][number]

export function useLedger(filters: LedgerFilters, page: number) {
  return useQuery({
    queryKey: ['ledger', 'movements', filters, page],
    queryFn: () => fetchLedger(filters, page),
    placeholderData: keepPreviousData,
  })
}

async function fetchSummary(range: { from?: string | undefined; to?: string | undefined }) {
  return unwrap(await api.GET('/api/ledger/summary', { params: { query: range } }))
}

export type LedgerSummary = Awaited<ReturnType<typeof fetchSummary>>

export function useLedgerSummary(range: { from?: string | undefined; to?: string | undefined }) {
  return useQuery({
    queryKey: ['ledger', 'summary', range],
    queryFn: () => fetchSummary(range),
    placeholderData: keepPreviousData,
  })
}

/** Every movement matching the filters, as the API's CSV (fetched with the session's token). */
export async function fetchLedgerCsv(filters: LedgerFilters): Promise<Blob> {
  return unwrap(
    await api.GET('/api/ledger', { params: { query: { ...filters, format: 'csv' } }, parseAs: 'blob' }),
  )
}
