import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

export const PAYOUT_STATUSES = [
  'pending',
  'prepared',
  'approved',
  'funded',
  'completed',
  'cancelled',
  'failed',
]
export const PAYOUT_PURPOSES: Record<string, string> = {
  complaint_refund: 'Complaint refund',
  early_payment: 'Early payment',
}

export interface PayoutFilter {
  status: string
  purpose: string
  page: number
}

export function usePayouts(filter: PayoutFilter) {
  return useQuery({
    queryKey: ['payouts', 'list', filter],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/payouts', {
          params: {
            query: {
              page: filter.page,
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.purpose ? { purpose: filter.purpose } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  })
}

export type Payout = NonNullable<ReturnType<typeof usePayouts>['data']>['results'][number]

function useInvalidatePayouts() {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: ['payouts'] })
}

/** A failed payout back to the queue (the API says where it resumes). */
export function useRetryPayout() {
  const invalidate = useInvalidatePayouts()
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST('/api/payouts/{id}/retry', { params: { path: { id } } })),
    onSuccess: invalidate,
  })
}

/** A manual payout paid outside Bureau, recorded with its reference. */
export function useMarkPaid(id: number) {
  const invalidate = useInvalidatePayouts()
  return useMutation({
    mutationFn: async (reference: string) =>
      unwrap(
        await api.POST('/api/payouts/{id}/mark-paid', { params: { path: { id } }, body: { reference } }),
      ),
    onSuccess: invalidate,
  })
}
