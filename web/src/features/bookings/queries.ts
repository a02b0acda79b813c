import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

/** A stay: first night and day of departure, both `YYYY-MM-DD`, or empty when not chosen. */
export interface Stay {
  date_from: string
  date_to: string
}

/** The dates to send: both or none (an empty one is "not given", so the API names what is missing). */
function stayQuery(stay: Stay): Partial<Stay> {
  return {
    ...(stay.date_from ? { date_from: stay.date_from } : {}),
    ...(stay.date_to ? { date_to: stay.date_to } : {}),
  }
}

async function fetchHotels(search: { location: string; page: number } & Stay) {
  const query = {
    ...stayQuery(search),
    ...(search.location ? { location: search.location } : {}),
    ...(search.page > 1 ? { page: search.page } : {}),
  }
  return unwrap(await api.GET('/api/hotels', { params: { query } }))
}

export type HotelsPage = Awaited<ReturnType<typeof fetchHotels>>
export type Hotel = HotelsPage['results'][number]

export function useHotels(search: { location: string; page: number } & Stay) {
  return useQuery({
    queryKey: ['bookings', 'hotels', search],
    queryFn: () => fetchHotels(search),
    placeholderData: keepPreviousData,
    retry: false,
  })
}

export function useHotel(id: number) {
  return useQuery({
    queryKey: ['bookings', 'hotel', id],
    queryFn: async () => unwrap(await api.GET('/api/hotels/{id}', { params: { path: { id } } })),
    retry: false,
  })
}

async function fetchRooms(id: number, stay: Stay) {
  return unwrap(await api.GET('/api/hotels/{id}/rooms', { params: { path: { id }, query: stayQuery(stay) } }))
}

export type Room = Awaited<ReturnType<typeof fetchRooms>>[number]

export function useRooms(id: number, stay: Stay) {
  return useQuery({
    queryKey: ['bookings', 'rooms', id, stay],
    queryFn: () => fetchRooms(id, stay),
    retry: false,
  })
}

async function fetchBookings(page: number) {
  const query = page > 1 ? { page } : {}
  return unwrap(await api.GET('/api/bookings', { params: { query } }))
}

export type BookingsPage = Awaited<ReturnType<typeof fetchBookings>>
export type Booking = BookingsPage['results'][number]

export function useMyBookings(page: number) {
  return useQuery({
    queryKey: ['bookings', 'mine', page],
    queryFn: () => fetchBookings(page),
    placeholderData: keepPreviousData,
  })
}

/** One of the caller's bookings, or null when they have none with this id (the API's 404). */
async function fetchBooking(id: number): Promise<Booking | null> {
  const result = await api.GET('/api/bookings/{id}', { params: { path: { id } } })
  if (result.response.status === 404) return null
  return unwrap(result)
}

export function useBooking(id: number) {
  return useQuery({
    queryKey: ['bookings', 'one', id],
    queryFn: () => fetchBooking(id),
    // Back from the payment page, the payment may still be on its way: look again until it settles.
    refetchInterval: (query) => (query.state.data?.status === 'pending_payment' ? 3000 : false),
  })
}

export function useBook() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ key, ...body }: { key: string; room_id: number } & Stay) =>
      unwrap(await api.POST('/api/bookings', { body, params: { header: { 'idempotency-key': key } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['bookings'] }),
  })
}

export function useCancelBooking() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.DELETE('/api/bookings/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['bookings'] }),
  })
}
