import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import type { Role } from '../../api/me'
import { unwrap } from '../../api/problem'

export const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'operator', label: 'Operator' },
  { value: 'approver', label: 'Approver' },
]

export interface UserFilters {
  email?: string | undefined
  role?: Role | undefined
  page: number
}

async function fetchUsers(filters: UserFilters) {
  return unwrap(await api.GET('/api/users', { params: { query: filters } }))
}

export type User = Awaited<ReturnType<typeof fetchUsers>>['results'][number]

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: ['admin', 'users', filters],
    queryFn: () => fetchUsers(filters),
    placeholderData: keepPreviousData,
  })
}

export function useSetRoles() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ id, roles }: { id: number; roles: Role[] }) =>
      unwrap(await api.PUT('/api/users/{id}/roles', { params: { path: { id } }, body: { roles } })),
    // An admin may change their own roles: their navigation follows.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin'] }),
        queryClient.invalidateQueries({ queryKey: ['me'] }),
      ]),
  })
}

export function useDeactivateUser() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.DELETE('/api/users/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  })
}

export interface AuditFilters {
  actor?: number | undefined
  subject_type?: string | undefined
  subject_id?: number | undefined
  action?: string | undefined
  from?: string | undefined
  to?: string | undefined
  page: number
}

async function fetchAudit(filters: AuditFilters) {
  return unwrap(await api.GET('/api/audit', { params: { query: filters } }))
}

export type AuditEvent = Awaited<ReturnType<typeof fetchAudit>>['results'][number]

export function useAudit(filters: AuditFilters) {
  return useQuery({
    queryKey: ['admin', 'audit', filters],
    queryFn: () => fetchAudit(filters),
    placeholderData: keepPreviousData,
  })
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

async function fetchJobs(state: JobState, page: number) {
  return unwrap(await api.GET('/api/jobs', { params: { query: { state, page } } }))
}

export type Job = Awaited<ReturnType<typeof fetchJobs>>['results'][number]

export function useJobs(state: JobState, page: number) {
  return useQuery({
    queryKey: ['admin', 'jobs', state, page],
    queryFn: () => fetchJobs(state, page),
    placeholderData: keepPreviousData,
  })
}

export function useRetryJob() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/jobs/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  })
}
