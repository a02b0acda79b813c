import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import type { paths } from '../../api/schema'

export type CompanyBody = paths['/api/companies']['post']['requestBody']['content']['application/json']
export type BankAccountBody =
  paths['/api/companies/{id}/bank-accounts']['post']['requestBody']['content']['application/json']

export function useCompanies(search: string, page: number) {
  return useQuery({
    queryKey: ['companies', 'list', search, page],
    queryFn: async () =>
      unwrap(await api.GET('/api/companies', { params: { query: { page, ...(search ? { search } : {}) } } })),
    placeholderData: keepPreviousData,
  })
}

export function useCompany(id: number) {
  return useQuery({
    queryKey: ['companies', 'one', id],
    queryFn: async () => unwrap(await api.GET('/api/companies/{id}', { params: { path: { id } } })),
  })
}

export type Company = NonNullable<ReturnType<typeof useCompany>['data']>
export type BankAccount = Company['bank_accounts'][number]

export function useCreateCompany() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (body: CompanyBody) => unwrap(await api.POST('/api/companies', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['companies'] }),
  })
}

export function useUpdateCompany(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (body: CompanyBody) =>
      unwrap(await api.PATCH('/api/companies/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['companies'] }),
  })
}

/** The national banks (`/api/banks`), for domestic accounts. */
export function useBanks() {
  return useQuery({
    queryKey: ['companies', 'banks'],
    queryFn: async () => unwrap(await api.GET('/api/banks')),
    staleTime: Infinity,
  })
}

function useRefreshCompany(id: number) {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: ['companies', 'one', id] })
}

export function useAddBankAccount(companyId: number) {
  const refresh = useRefreshCompany(companyId)
  return useMutation({
    mutationFn: async (body: BankAccountBody) =>
      unwrap(
        await api.POST('/api/companies/{id}/bank-accounts', { params: { path: { id: companyId } }, body }),
      ),
    onSuccess: refresh,
  })
}

const ACCOUNT_PATH = '/api/companies/{id}/bank-accounts/{account_id}'

export function useMakeDefault(companyId: number) {
  const refresh = useRefreshCompany(companyId)
  return useMutation({
    mutationFn: async (accountId: number) =>
      unwrap(
        await api.PATCH(ACCOUNT_PATH, {
          params: { path: { id: companyId, account_id: accountId } },
          body: { is_default: true },
        }),
      ),
    onSuccess: refresh,
  })
}

export function useDeleteBankAccount(companyId: number) {
  const refresh = useRefreshCompany(companyId)
  return useMutation({
    mutationFn: async (accountId: number) =>
      unwrap(await api.DELETE(ACCOUNT_PATH, { params: { path: { id: companyId, account_id: accountId } } })),
    onSuccess: refresh,
  })
}
