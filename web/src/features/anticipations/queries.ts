import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

export const ANTICIPATION_STATUS_LABELS: Record<string, string> = {
  PC: 'Pending confirmation',
  A: 'Approved',
  D: 'Denied',
}

export const LOG_ACTION_LABELS: Record<string, string> = { R: 'Requested', A: 'Approved', D: 'Denied' }

/** The request log (`/api/logs/`): every request and decision, oldest first, a page at a time. */
export function useRequestLog(page: number) {
  return useQuery({
    queryKey: ['anticipations', 'log', page],
    queryFn: async () => unwrap(await api.GET('/api/logs/', { params: { query: { page } } })),
    placeholderData: keepPreviousData,
  })
}

async function fetchAnticipation(id: number) {
  return unwrap(await api.GET('/api/anticipations/{id}/', { params: { path: { id } } }))
}

export type Anticipation = Awaited<ReturnType<typeof fetchAnticipation>>

/** The anticipations a page of the log names, as they are now, by id. */
export function useAnticipations(ids: number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: ['anticipations', 'one', id],
      queryFn: () => fetchAnticipation(id),
    })),
    combine: (results) => {
      const found = new Map<number, Anticipation>()
      for (const result of results) if (result.data) found.set(result.data.id, result.data)
      return found
    },
  })
}

/** How many payments wait for a decision (their anticipation is pending confirmation). */
export function useWaitingCount() {
  return useQuery({
    queryKey: ['anticipations', 'waiting'],
    queryFn: async () =>
      unwrap(await api.GET('/api/payments/', { params: { query: { status: 'PC', page: 1, page_size: 1 } } }))
        .count,
  })
}

export interface Decision {
  anticipation: Anticipation
  /** 202: recorded, but more approvals are needed before it is decided. */
  partial: boolean
}

/** Approve or deny. The API answers 200 when decided, 202 when an approval still needs another operator. */
export function useDecide(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (status: 'A' | 'D'): Promise<Decision> => {
      const result = await api.PATCH('/api/anticipations/{id}/', {
        params: { path: { id } },
        body: { status },
      })
      return { anticipation: unwrap(result), partial: result.response.status === 202 }
    },
    onSuccess: (decision) => {
      queryClient.setQueryData(['anticipations', 'one', id], decision.anticipation)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['anticipations', 'log'] }),
        queryClient.invalidateQueries({ queryKey: ['anticipations', 'waiting'] }),
        queryClient.invalidateQueries({ queryKey: ['payments'] }),
        queryClient.invalidateQueries({ queryKey: ['payouts'] }),
      ])
    },
  })
}
