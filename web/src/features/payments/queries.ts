import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef } from 'react'
import { api, idempotencyKey } from '../../api/client'
import { unwrap } from '../../api/problem'

/** Payment statuses as the API names them (derived at read time by Bureau, never here). */
export const PAYMENT_STATUSES = ['A', 'U', 'PC', 'AN', 'D'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  A: 'Available',
  U: 'Unavailable',
  PC: 'Pending confirmation',
  AN: 'Anticipated',
  D: 'Denied',
}

export function paymentStatusLabel(status: string): string {
  const labels: Partial<Record<string, string>> = PAYMENT_STATUS_LABELS
  return labels[status] ?? status
}

export interface PaymentFilter {
  status?: PaymentStatus | undefined
  supplier?: number | undefined
  page: number
}

function listQuery(filter: PaymentFilter, pageSize = 10) {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.supplier ? { supplier: filter.supplier } : {}),
    page: filter.page,
    page_size: pageSize,
  }
}

export function usePayments(filter: PaymentFilter) {
  return useQuery({
    queryKey: ['payments', 'list', filter],
    queryFn: async () => unwrap(await api.GET('/api/payments/', { params: { query: listQuery(filter) } })),
    placeholderData: keepPreviousData,
  })
}

/**
 * How many payments each status holds, and in all. The list API has no counts field or endpoint; each
 * status's list answers its own `count`, so a one-row page per status gives the counts the API keeps.
 */
export function usePaymentCounts(supplier: number | undefined) {
  const filters = [undefined, ...PAYMENT_STATUSES]
  return useQueries({
    queries: filters.map((status) => ({
      queryKey: ['payments', 'count', status ?? 'all', supplier ?? null],
      queryFn: async () =>
        unwrap(
          await api.GET('/api/payments/', {
            params: { query: listQuery({ status, supplier, page: 1 }, 1) },
          }),
        ).count,
    })),
    combine: (results) =>
      Object.fromEntries(filters.map((status, index) => [status ?? 'all', results[index]?.data])) as Record<
        PaymentStatus | 'all',
        number | undefined
      >,
  })
}

export function usePayment(id: number) {
  return useQuery({
    queryKey: ['payments', 'one', id],
    queryFn: async () => unwrap(await api.GET('/api/payments/{id}/', { params: { path: { id } } })),
  })
}

/** The API's quote for paying `id` on `date` (nothing is created); the last quote stays while the next loads. */
export function useQuote(id: number, date: string) {
  return useQuery({
    queryKey: ['payments', 'quote', id, date],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/payments/{id}/anticipation-quote', {
          params: { path: { id }, query: { new_due_date: date } },
        }),
      ),
    enabled: date !== '',
    retry: false,
    placeholderData: keepPreviousData,
  })
}

/**
 * Asks for early payment. One Idempotency-Key per payment and date: a repeated click or a retry after a
 * lost answer is the same request, while another date is another request.
 */
export function useRequestEarlyPayment(paymentId: number) {
  const queryClient = useQueryClient()
  const keys = useRef(new Map<string, string>())
  return useMutation({
    mutationFn: async (date: string) => {
      const key = keys.current.get(date) ?? idempotencyKey()
      keys.current.set(date, key)
      return unwrap(
        await api.POST('/api/anticipations/', {
          params: { header: { 'idempotency-key': key } },
          body: { payment: paymentId, new_due_date: date },
        }),
      )
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['payments'] }),
        queryClient.invalidateQueries({ queryKey: ['anticipations'] }),
      ]),
  })
}
