import type { FastifyRequest } from 'fastify'
import { notFound } from '../errors.ts'

export const DEFAULT_PAGE_SIZE = 10

export interface PageRequest {
  page: number
  pageSize: number
  limit: number
  offset: number
}

export interface Page<T> {
  count: number
  next: string | null
  previous: string | null
  results: T[]
}

export function pageRequest(query: {
  page?: number | undefined
  page_size?: number | undefined
}): PageRequest {
  const page = query.page ?? 1
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize }
}

/**
 * Wraps one page of results with the total and absolute links to its neighbours (from PUBLIC_URL, so
 * they are right behind a proxy). A page past the end is a 404; page 1 of nothing is an empty page.
 */
export function toPage<T>(
  request: FastifyRequest,
  publicUrl: string,
  page: PageRequest,
  count: number,
  results: T[],
): Page<T> {
  if (page.page > 1 && page.offset >= count) throw notFound('Page', 'page_not_found')
  const link = (target: number) => {
    const url = new URL(request.url, 'http://request.invalid')
    if (target === 1) url.searchParams.delete('page')
    else url.searchParams.set('page', String(target))
    return `${publicUrl}${url.pathname}${url.search}`
  }
  return {
    count,
    next: page.offset + results.length < count ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(page.page - 1) : null,
    results,
  }
}

/**
 * A page reached by a cursor (keyset pagination): `next` carries the cursor after the last result, or
 * is null at the end; there is no `previous` (cursors go forward).
 */
export function toCursorPage<T>(
  request: FastifyRequest,
  publicUrl: string,
  count: number,
  results: T[],
  nextCursor: string | null,
): Page<T> {
  let next: string | null = null
  if (nextCursor !== null) {
    const url = new URL(request.url, 'http://request.invalid')
    url.searchParams.delete('page')
    url.searchParams.set('cursor', nextCursor)
    next = `${publicUrl}${url.pathname}${url.search}`
  }
  return { count, next, previous: null, results }
}
