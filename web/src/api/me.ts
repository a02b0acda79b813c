import { useQuery } from '@tanstack/react-query'
import { useSyncExternalStore } from 'react'
import { api } from './client'
import { unwrap } from './problem'
import { subscribe, tokens } from './session'

async function fetchMe() {
  return unwrap(await api.GET('/api/auth/me'))
}

export type Me = Awaited<ReturnType<typeof fetchMe>>
export type Role = 'admin' | 'operator' | 'approver'

/** Whether someone is signed in on this browser (tokens present); re-renders on sign-in and out. */
export function useSignedIn(): boolean {
  return useSyncExternalStore(subscribe, () => tokens() !== null)
}

/** The signed-in user (`/api/auth/me`): names, roles, the supplier they act for. */
export function useMe() {
  const signedIn = useSignedIn()
  return useQuery({ queryKey: ['me'], queryFn: fetchMe, enabled: signedIn, staleTime: 60_000 })
}

export function hasRole(me: Me | undefined, role: Role): boolean {
  return me?.roles.includes(role) ?? false
}
