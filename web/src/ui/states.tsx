import type { ReactNode } from 'react'
import { ApiError } from '../api/problem'

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>
}

/** A failed request, in the API's own words, with its request id for support. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null
  const message = error instanceof Error ? error.message : 'Something went wrong.'
  const requestId = error instanceof ApiError ? error.problem.request_id : undefined
  const details = error instanceof ApiError ? Object.values(error.problem.errors ?? {}).flat() : []
  return (
    <div className="notice error" role="alert">
      <p>{message}</p>
      {details.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {requestId ? <p className="muted small">Request id: {requestId}</p> : null}
    </div>
  )
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice success" role="status">
      {children}
    </div>
  )
}

/** Renders a query's states: loading, failed, or its data. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean }
  children: (data: T) => ReactNode
}) {
  if (query.error) return <ErrorNotice error={query.error} />
  if (query.isPending || query.data === undefined) return <Loading />
  return <>{children(query.data)}</>
}
