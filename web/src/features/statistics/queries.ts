import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

export interface Range {
  from?: string | undefined
  to?: string | undefined
}

/** The JSON of a report (the route also describes its CSV, which these requests do not ask for). */
function report<T extends object>(body: T | string): T {
  if (typeof body === 'string') throw new Error('The report came back as text, not JSON.')
  return body
}

export type ReportName = 'overview' | 'payables' | 'complaints' | 'bookings' | 'payouts'

async function fetchPayables(range: Range) {
  return report(unwrap(await api.GET('/api/stats/payables', { params: { query: range } })))
}
async function fetchComplaints(range: Range) {
  return report(unwrap(await api.GET('/api/stats/complaints', { params: { query: range } })))
}
async function fetchBookings(range: Range, page: number) {
  const query = { ...range, ...(page > 1 ? { page } : {}) }
  return report(unwrap(await api.GET('/api/stats/bookings', { params: { query } })))
}
async function fetchPayouts(range: Range) {
  return report(unwrap(await api.GET('/api/stats/payouts', { params: { query: range } })))
}
async function fetchOverview() {
  return report(unwrap(await api.GET('/api/stats/overview')))
}

export type PayablesReport = Awaited<ReturnType<typeof fetchPayables>>
export type ComplaintsReport = Awaited<ReturnType<typeof fetchComplaints>>
export type BookingsReport = Awaited<ReturnType<typeof fetchBookings>>
export type PayoutsReport = Awaited<ReturnType<typeof fetchPayouts>>
export type Overview = Awaited<ReturnType<typeof fetchOverview>>

const reportQuery = { placeholderData: keepPreviousData }

export const usePayables = (range: Range) =>
  useQuery({
    queryKey: ['statistics', 'payables', range],
    queryFn: () => fetchPayables(range),
    ...reportQuery,
  })
export const useComplaintStats = (range: Range) =>
  useQuery({
    queryKey: ['statistics', 'complaints', range],
    queryFn: () => fetchComplaints(range),
    ...reportQuery,
  })
/** A page of hotels (10 a page, as the API pages them by default), with every hotel's monthly totals. */
export const useBookingStats = (range: Range, page: number) =>
  useQuery({
    queryKey: ['statistics', 'bookings', range, page],
    queryFn: () => fetchBookings(range, page),
    ...reportQuery,
  })
export const usePayoutStats = (range: Range) =>
  useQuery({ queryKey: ['statistics', 'payouts', range], queryFn: () => fetchPayouts(range), ...reportQuery })
export const useOverview = () => useQuery({ queryKey: ['statistics', 'overview'], queryFn: fetchOverview })

/** The same report as the API's CSV, fetched with the session's token. */
export async function fetchReportCsv(name: ReportName, range: Range): Promise<Blob> {
  const csv = { parseAs: 'blob' as const }
  const query = { ...range, format: 'csv' as const }
  switch (name) {
    case 'overview':
      return unwrap(await api.GET('/api/stats/overview', { params: { query: { format: 'csv' } }, ...csv }))
    case 'payables':
      return unwrap(await api.GET('/api/stats/payables', { params: { query }, ...csv }))
    case 'complaints':
      return unwrap(await api.GET('/api/stats/complaints', { params: { query }, ...csv }))
    case 'bookings':
      return unwrap(await api.GET('/api/stats/bookings', { params: { query }, ...csv }))
    case 'payouts':
      return unwrap(await api.GET('/api/stats/payouts', { params: { query }, ...csv }))
  }
}
