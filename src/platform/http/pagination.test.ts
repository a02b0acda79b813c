import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { DEFAULT_PAGE_SIZE, pageRequest, toPage } from './pagination.ts'

const PUBLIC_URL = 'http://bureau.test'

/** toPage reads nothing of the request but its URL (path and query, as received). */
function requestFor(url: string): FastifyRequest {
  return { url } as FastifyRequest
}

/** `size` placeholder items, enough to stand for one page of results. */
function items(size: number): number[] {
  return Array.from({ length: size }, (_, index) => index)
}

describe('pageRequest', () => {
  it('is page 1 of 10 items when nothing is asked', () => {
    assert.deepEqual(pageRequest({}), { page: 1, pageSize: DEFAULT_PAGE_SIZE, limit: 10, offset: 0 })
  })

  it('skips the items of the pages before the one asked for', () => {
    assert.deepEqual(pageRequest({ page: 3, page_size: 25 }), {
      page: 3,
      pageSize: 25,
      limit: 25,
      offset: 50,
    })
  })
})

describe('toPage', () => {
  it('links the next page with an absolute URL on PUBLIC_URL', () => {
    const page = toPage(requestFor('/api/users'), PUBLIC_URL, pageRequest({}), 35, items(10))
    assert.equal(page.next, 'http://bureau.test/api/users?page=2')
  })

  it('links the previous page with an absolute URL on PUBLIC_URL', () => {
    const page = toPage(requestFor('/api/users?page=3'), PUBLIC_URL, pageRequest({ page: 3 }), 35, items(10))
    assert.equal(page.previous, 'http://bureau.test/api/users?page=2')
  })

  it('builds the links under the path of a PUBLIC_URL that has one', () => {
    const page = toPage(
      requestFor('/api/users?page=2'),
      'https://host.example/bureau',
      pageRequest({ page: 2 }),
      35,
      items(10),
    )
    assert.equal(page.next, 'https://host.example/bureau/api/users?page=3')
    assert.equal(page.previous, 'https://host.example/bureau/api/users')
  })

  it('drops the page parameter from the link back to page 1', () => {
    const page = toPage(requestFor('/api/users?page=2'), PUBLIC_URL, pageRequest({ page: 2 }), 35, items(10))
    assert.equal(page.previous, 'http://bureau.test/api/users')
  })

  it('keeps the other query parameters in both links', () => {
    const request = requestFor('/api/users?role=admin&page=2&page_size=5&email=a%40b.example')
    const page = toPage(request, PUBLIC_URL, pageRequest({ page: 2, page_size: 5 }), 35, items(5))
    assert.equal(page.next, 'http://bureau.test/api/users?role=admin&page=3&page_size=5&email=a%40b.example')
    assert.equal(page.previous, 'http://bureau.test/api/users?role=admin&page_size=5&email=a%40b.example')
  })

  it('has no previous page on page 1', () => {
    const page = toPage(requestFor('/api/users'), PUBLIC_URL, pageRequest({}), 35, items(10))
    assert.equal(page.previous, null)
  })

  it('has no next page on the last page', () => {
    const page = toPage(requestFor('/api/users?page=4'), PUBLIC_URL, pageRequest({ page: 4 }), 35, items(5))
    assert.equal(page.next, null)
  })

  it('has no next page when the last page is exactly full', () => {
    const page = toPage(requestFor('/api/users?page=2'), PUBLIC_URL, pageRequest({ page: 2 }), 20, items(10))
    assert.equal(page.next, null)
  })

  it('carries the total count and the results as given', () => {
    const results = items(10)
    const page = toPage(requestFor('/api/users'), PUBLIC_URL, pageRequest({}), 35, results)
    assert.equal(page.count, 35)
    assert.equal(page.results, results)
  })

  it('answers a page past the end with not_found (page_not_found)', () => {
    assert.throws(
      () => toPage(requestFor('/api/users?page=5'), PUBLIC_URL, pageRequest({ page: 5 }), 35, []),
      (error: unknown) =>
        error instanceof AppError && error.kind === 'not_found' && error.code === 'page_not_found',
    )
  })

  it('answers page 2 of nothing with not_found', () => {
    assert.throws(
      () => toPage(requestFor('/api/users?page=2'), PUBLIC_URL, pageRequest({ page: 2 }), 0, []),
      (error: unknown) => error instanceof AppError && error.code === 'page_not_found',
    )
  })

  it('answers page 1 of nothing with an empty page', () => {
    assert.deepEqual(toPage(requestFor('/api/users'), PUBLIC_URL, pageRequest({}), 0, []), {
      count: 0,
      next: null,
      previous: null,
      results: [],
    })
  })
})
