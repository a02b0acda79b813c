import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

export function useSuppliers(page: number) {
  return useQuery({
    queryKey: ['suppliers', 'list', page],
    queryFn: async () => unwrap(await api.GET('/api/suppliers', { params: { query: { page } } })),
    placeholderData: keepPreviousData,
  })
}

/** Links a user to a company as a supplier (the user then acts for it). */
export function useLinkSupplier() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (body: { user: number; company: number }) =>
      unwrap(await api.POST('/api/suppliers', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['suppliers'] }),
  })
}
