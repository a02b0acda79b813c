/**
 * The token pair as every tab of this browser last agreed on it, in IndexedDB. localStorage tells
 * other tabs of a change only eventually (each renderer process has its own copy), so a tab that
 * refreshes right after another could still read the refresh token just spent — and the API revokes
 * the whole session when a spent refresh token comes back. IndexedDB commits through the browser
 * process: a read that starts after another tab's write has completed sees it. Refreshes run under a
 * Web Lock, so "after" holds. Undefined when IndexedDB is unavailable (then localStorage is all).
 */
import type { Tokens } from './session'

const DATABASE = 'bureau'
const STORE = 'session'
const KEY = 'tokens'

let opened: Promise<IDBDatabase> | undefined

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is unavailable'))
  })
  return opened
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database()
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode)
    const request = work(transaction.objectStore(STORE))
    transaction.oncomplete = () => resolve(request.result)
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'))
  })
}

/** The latest pair any tab wrote; undefined when IndexedDB cannot say. */
export async function readSharedTokens(): Promise<Tokens | null | undefined> {
  if (typeof indexedDB === 'undefined') return undefined
  try {
    const value = await run<unknown>('readonly', (store) => store.get(KEY))
    const pair = value as Partial<Tokens> | undefined
    return typeof pair?.access === 'string' && typeof pair.refresh === 'string'
      ? { access: pair.access, refresh: pair.refresh }
      : null
  } catch {
    return undefined
  }
}

/** Writes the pair (or its absence), resolving once committed. */
export async function writeSharedTokens(tokens: Tokens | null): Promise<void> {
  if (typeof indexedDB === 'undefined') return
  try {
    if (tokens) await run('readwrite', (store) => store.put(tokens, KEY))
    else await run('readwrite', (store) => store.delete(KEY))
  } catch {
    // Without IndexedDB, localStorage still carries the pair (eventually) to other tabs.
  }
}
