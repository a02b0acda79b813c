import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import { navigate } from '../../router'

async function fetchHotels(location: string, page: number) {
  return unwrap(
    await api.GET('/api/hotels', { params: { query: { location: location || undefined, page } } }),
  )
}
async function fetchHotel(id: number) {
  return unwrap(await api.GET('/api/hotels/{id}', { params: { path: { id } } }))
}
async function fetchRooms(id: number) {
  return unwrap(await api.GET('/api/hotels/{id}/rooms', { params: { path: { id } } }))
}

export type Hotel = Awaited<ReturnType<typeof fetchHotel>>
export type Room = Awaited<ReturnType<typeof fetchRooms>>[number]
export type Picture = Hotel['images'][number]

/** While a picture's variants are being made, its owner is asked for again every two seconds. */
const whilePending = (images: Picture[] | undefined) =>
  images?.some((image) => image.status === 'pending') ? 2000 : false

export function useHotels(location: string, page: number) {
  return useQuery({
    queryKey: ['admin', 'hotels', location, page],
    queryFn: () => fetchHotels(location, page),
    placeholderData: keepPreviousData,
  })
}

export function useHotel(id: number) {
  return useQuery({
    queryKey: ['admin', 'hotel', id],
    queryFn: () => fetchHotel(id),
    refetchInterval: (query) => whilePending(query.state.data?.images),
  })
}

export function useRooms(hotelId: number) {
  return useQuery({
    queryKey: ['admin', 'hotel', hotelId, 'rooms'],
    queryFn: () => fetchRooms(hotelId),
    refetchInterval: (query) => whilePending(query.state.data?.flatMap((room) => room.images)),
  })
}

export interface HotelInput {
  name: string
  location: string
  address: string
  services: string[]
}

export interface RoomInput {
  name: string
  description: string
  price: string
  quantity: number
  services: string[]
}

function useInvalidatingMutation<I, O>(mutationFn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  })
}

export const useCreateHotel = () =>
  useInvalidatingMutation(async (body: HotelInput) => unwrap(await api.POST('/api/hotels', { body })))

export const useUpdateHotel = (id: number) =>
  useInvalidatingMutation(async (body: HotelInput) =>
    unwrap(await api.PATCH('/api/hotels/{id}', { params: { path: { id } }, body })),
  )

/** Deletes a hotel and goes back to the list (its own page would only find it gone). */
export function useDeleteHotel() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.DELETE('/api/hotels/{id}', { params: { path: { id } } })),
    onSuccess: async (_, id) => {
      navigate('/admin/hotels')
      queryClient.removeQueries({ queryKey: ['admin', 'hotel', id] })
      await queryClient.invalidateQueries({ queryKey: ['admin', 'hotels'] })
    },
  })
}

export const useCreateRoom = (hotelId: number) =>
  useInvalidatingMutation(async (body: RoomInput) =>
    unwrap(await api.POST('/api/hotels/{id}/rooms', { params: { path: { id: hotelId } }, body })),
  )

export const useUpdateRoom = (id: number) =>
  useInvalidatingMutation(async (body: RoomInput) =>
    unwrap(await api.PATCH('/api/rooms/{id}', { params: { path: { id } }, body })),
  )

export const useDeleteRoom = () =>
  useInvalidatingMutation(async (id: number) =>
    unwrap(await api.DELETE('/api/rooms/{id}', { params: { path: { id } } })),
  )

/** The file as multipart/form-data (openapi-fetch sends a FormData body as it is). */
function imageForm(file: File): { image: string } {
  const form = new FormData()
  form.append('image', file)
  return form as unknown as { image: string }
}

export const useUploadPicture = (owner: 'hotel' | 'room', id: number) =>
  useInvalidatingMutation(async (file: File) =>
    unwrap(
      owner === 'hotel'
        ? await api.POST('/api/hotels/{id}/image', { params: { path: { id } }, body: imageForm(file) })
        : await api.POST('/api/rooms/{id}/image', { params: { path: { id } }, body: imageForm(file) }),
    ),
  )
