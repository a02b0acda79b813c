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

export const ANTICIPATION_STATUSES = ['PC', 'A', 'D'] as const
export type AnticipationStatus = (typeof ANTICIPATION_STATUSES)[number]

async function fetchAnticipationList(filter: { status: AnticipationStatus | undefined; page: number }) {
  const query = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.page > 1 ? { page: filter.page } : {}),
  }
  return unwrap(await api.GET('/api/anticipations/', { params: { query } }))
}

/**
 * Early payments, oldest request first: every supplier's for operators (PC is their queue), a
 * supplier's own for its user.
 */
export function useAnticipationList(filter: { status: AnticipationStatus | undefined; page: number }) {
  return useQuery({
    queryKey: ['anticipations', 'list', filter],
    queryFn: () => fetchAnticipationList(filter),
    placeholderData: keepPreviousData,
  })
}

/** How many early payments there are in all and in each status (the counts of one-item pages). */
export function useAnticipationCounts() {
  const filters = [undefined, ...ANTICIPATION_STATUSES]
  return useQueries({
    queries: filters.map((status) => ({
      queryKey: ['anticipations', 'count', status ?? 'all'],
      queryFn: async () =>
        unwrap(
          await api.GET('/api/anticipations/', {
            params: { query: { ...(status ? { status } : {}), page_size: 1 } },
          }),
        ).count,
    })),
    combine: (results) => {
      const counts: Partial<Record<AnticipationStatus | 'all', number>> = {}
      results.forEach((result, index) => {
        counts[filters[index] ?? 'all'] = result.data
      })
      return counts
    },
  })
}

export interface Decision {
  anticipation: Anticipation
  /** 202: recorded, but more approvals are needed before it is decided. */
  partial: boolean
}

/**
 * Approve or deny. The API answers 200 when decided, 202 when an approval still needs another operator.
 * `onDecided` hears of it before the lists refresh (a decided row then leaves the queue, and with it
 * whatever component asked).
 */
export function useDecide(id: number, onDecided?: (decision: Decision) => void) {
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
      onDecided?.(decision)
      queryClient.setQueryData(['anticipations', 'one', id], decision.anticipation)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['anticipations', 'list'] }),
        queryClient.invalidateQueries({ queryKey: ['anticipations', 'count'] }),
        queryClient.invalidateQueries({ queryKey: ['anticipations', 'log'] }),
        queryClient.invalidateQueries({ queryKey: ['payments'] }),
        queryClient.invalidateQueries({ queryKey: ['payouts'] }),
      ])
    },
  })
}
