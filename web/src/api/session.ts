/**
 * The signed-in session: the token pair, kept in localStorage so a reload or a new tab stays signed
 * in. The access token is refreshed in the background a minute before it expires. Refresh tokens
 * are single-use (the API rotates them and revokes the whole family when one is reused), so tabs
 * refresh one at a time under a Web Lock and pick up each other's new pair.
 */
export interface Tokens {
  access: string
  refresh: string
}

import { readSharedTokens, writeSharedTokens } from './shared-tokens'

const KEY = 'bureau.session'
const REFRESH_AHEAD_MS = 60_000
const listeners = new Set<() => void>()
let current: Tokens | null = read()
let timer: ReturnType<typeof setTimeout> | undefined

function read(): Tokens | null {
  try {
    const raw = localStorage.getItem(KEY)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<Tokens>
    return typeof value.access === 'string' && typeof value.refresh === 'string'
      ? { access: value.access, refresh: value.refresh }
      : null
  } catch {
    return null
  }
}

function notify(): void {
  for (const listener of listeners) listener()
  schedule()
}

export function tokens(): Tokens | null {
  return current
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function setTokens(next: Tokens | null): void {
  current = next
  if (next) localStorage.setItem(KEY, JSON.stringify(next))
  else localStorage.removeItem(KEY)
  void writeSharedTokens(next)
  notify()
}

/** Seconds since the epoch at which a JWT expires, or 0 when it cannot be read. */
function expiresAt(jwt: string): number {
  try {
    const payload = jwt.split('.')[1] ?? ''
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number }
    return claims.exp ?? 0
  } catch {
    return 0
  }
}

/** Whether the access token expires within the next minute (or already did). */
export function accessExpiring(): boolean {
  return current !== null && expiresAt(current.access) * 1000 - Date.now() < REFRESH_AHEAD_MS
}

let inFlight: Promise<Tokens | null> | undefined

/** Trades the refresh token for a new pair; signs out when the API refuses it. One at a time. */
export function refreshTokens(): Promise<Tokens | null> {
  inFlight ??= withRefreshLock(refreshOnce).finally(() => {
    inFlight = undefined
  })
  return inFlight
}

async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request('bureau-refresh', work)
  }
  return work()
}

async function refreshOnce(): Promise<Tokens | null> {
  // Another tab may have refreshed while this one waited for the lock: its pair is the latest.
  // (A sign-out elsewhere arrives by the storage event; an empty store only means nothing shared yet.)
  const latest = (await readSharedTokens()) ?? read()
  const newer = latest && (!current || expiresAt(latest.access) >= expiresAt(current.access))
  if (latest && newer && latest.refresh !== current?.refresh) {
    setTokens(latest)
    if (!accessExpiring()) return latest
  }
  const refresh = current?.refresh
  if (!refresh) return null
  const response = await fetch('/api/token/refresh/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh }),
  })
  if (response.status === 401 || response.status === 400) {
    setTokens(null)
    return null
  }
  if (!response.ok) return current
  const pair = (await response.json()) as Tokens
  setTokens(pair)
  // Committed before the lock is released, so the next tab to refresh reads this pair.
  await writeSharedTokens(pair)
  return pair
}

function schedule(): void {
  if (timer) clearTimeout(timer)
  timer = undefined
  if (!current) return
  const wait = Math.max(expiresAt(current.access) * 1000 - Date.now() - REFRESH_AHEAD_MS, 1000)
  timer = setTimeout(() => void refreshTokens(), Math.min(wait, 2 ** 31 - 1))
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return
    current = read()
    notify()
  })
  schedule()
}
