import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { newSupplier as newSupplierOf, type SupplierAccount } from '../../../test/helpers/suppliers.ts'
import { startSmtpCapture, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { ImportReport, Payment } from './supplier-payments.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'
const HEADER = 'supplier,due_date,value,external_ref'

let t: TestApp
let smtp: SmtpCapture
let operator: SignedInUser
let first: SupplierAccount
let second: SupplierAccount

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: NOW, env: { SMTP_URL: smtp.url } })
  operator = await signIn(t, ['operator'])
  first = await newSupplier()
  second = await newSupplier()
})
after(async () => {
  await t.close()
  await smtp.close()
})

function newSupplier(): Promise<SupplierAccount> {
  return newSupplierOf(t, operator, { legalName: 'Importada Ltda.' })
}

function upload(caller: SignedInUser, csv: string, query = ''): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/api/payments/import${query}`,
    headers: { ...caller.headers, 'content-type': 'text/csv' },
    payload: csv,
  })
}

async function paymentsOf(supplier: SupplierAccount): Promise<Payment[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/payments/?supplier=${supplier.id}&page_size=100`,
    headers: operator.headers,
  })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Payment>>().results
}

describe('POST /api/payments/import', () => {
  it('refuses suppliers and users without a role (403), and callers without a token (401)', async () => {
    const csv = `${HEADER}\n${first.id},2026-04-01,10.00,R-1\n`
    assertProblem(await upload(first.user, csv), 403, 'forbidden')
    assertProblem(await upload(await signIn(t), csv), 403, 'forbidden')
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/payments/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    })
    assertProblem(anonymous, 401, 'not_authenticated')
    assert.deepEqual(await paymentsOf(first), [])
  })

  it('takes CSV only: a JSON body is a 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payments/import',
      headers: operator.headers,
      payload: { supplier: first.id },
    })
    assertProblem(response, 415, 'unsupported_media_type')
  })

  it('refuses a file of more than 100 000 rows as a whole (413), writing nothing', async () => {
    const row = `${first.id},2026-04-01,1.00,`
    const rows = Array.from({ length: 100_001 }, (_, n) => `${row}BIG-${n}`)
    const response = await upload(operator, [HEADER, ...rows].join('\n'))
    assertProblem(response, 413, 'too_many_rows')
    assert.equal((await paymentsOf(first)).length, 0)
  })

  it('takes text/csv with a charset parameter', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payments/import?dry_run=true',
      headers: { ...operator.headers, 'content-type': 'text/csv; charset=utf-8' },
      payload: `${HEADER}\n${first.id},2026-04-01,10.00,CHARSET-1\n`,
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<ImportReport>().created, 1)
  })

  it('lists every bad row by line and field, and writes nothing', async () => {
    await upload(operator, `${HEADER}\n${first.id},2026-06-01,50.00,KNOWN-1\n`)
    const csv = [
      HEADER,
      `${first.id},2026-04-01,10.00,OK-1`,
      `999999,2026-04-01,10.00,OK-2`,
      `${first.id},2026-02-30,10.00,OK-3`,
      `${first.id},2026-04-01,-5.00,OK-4`,
      `${first.id},2026-04-01,10.00,OK-1`,
      `${first.id},2026-06-01,75.00,KNOWN-1`,
      `${first.id},2026-03-01,1.234,`,
      `${first.id},2026-04-01`,
    ].join('\n')
    const errors = assertInvalid(await upload(operator, csv))
    assert.deepEqual(Object.keys(errors), [
      'line 3.supplier',
      'line 4.due_date',
      'line 5.value',
      'line 6.external_ref',
      'line 7.external_ref',
      'line 8.due_date',
      'line 8.value',
      'line 8.external_ref',
      'line 9.non_field_errors',
    ])
    assert.match(errors['line 3.supplier']?.[0] ?? '', /Unknown supplier/)
    assert.match(errors['line 6.external_ref']?.[0] ?? '', /Line 2 has the same reference/)
    assert.match(errors['line 7.external_ref']?.[0] ?? '', /already has this reference/)
    assert.deepEqual(
      (await paymentsOf(first)).map((payment) => payment.due_date),
      ['2026-06-01'],
    )
  })

  it('names wrong, missing and repeated columns on line 1', async () => {
    const errors = assertInvalid(await upload(operator, `supplier,due,value,ref,value\n1,2026-04-01,1,2,3\n`))
    assert.deepEqual(Object.keys(errors), ['line 1.columns'])
    assert.match(errors['line 1.columns']?.join(' ') ?? '', /Missing columns: due_date, external_ref/)
    assert.match(errors['line 1.columns']?.join(' ') ?? '', /Unknown columns: "due", "ref"/)
    assert.match(errors['line 1.columns']?.join(' ') ?? '', /Repeated column: value/)
    assertInvalid(await upload(operator, ''))
  })

  it('reads a byte order mark, CRLF line ends, quoted commas and columns in any order', async () => {
    const csv = `\uFEFFexternal_ref,value,due_date,supplier\r\n"BOM,1","1,5",2026-04-02,${first.id}\r\n"BOM,2",2.50,2026-04-03,${first.registration}\r\n`
    const errors = assertInvalid(await upload(operator, csv))
    assert.deepEqual(Object.keys(errors), ['line 2.value'])
    const fixed = csv.replace('"1,5"', '"1500.00"')
    const response = await upload(operator, fixed)
    assert.equal(response.statusCode, 201, response.body)
    assert.deepEqual(response.json<ImportReport>(), {
      dry_run: false,
      rows: 2,
      created: 2,
      skipped: 0,
      skipped_lines: [],
    })
    const values = (await paymentsOf(first)).map((payment) => [payment.due_date, payment.value])
    assert.deepEqual(values.slice(0, 2), [
      ['2026-04-02', '1500.00'],
      ['2026-04-03', '2.50'],
    ])
  })

  it('a dry run reports what would be imported and writes nothing', async () => {
    const csv = `${HEADER}\n${second.id},2026-05-01,100.00,DRY-1\n${second.registration},2026-05-02,200.00,DRY-2\n`
    const response = await upload(operator, csv, '?dry_run=true')
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json<ImportReport>(), {
      dry_run: true,
      rows: 2,
      created: 2,
      skipped: 0,
      skipped_lines: [],
    })
    assert.deepEqual(await paymentsOf(second), [])
    await t.platform.jobs.drain()
    assert.deepEqual(
      smtp.messages.filter((message) => message.recipients.includes(second.user.email)),
      [],
    )
  })

  it('sending a file again skips the payments already there, and one email per supplier tells of the import', async () => {
    const csv = [
      HEADER,
      `${second.id},2026-05-01,100.00,AGAIN-1`,
      `${second.id},2026-05-20,200.00,AGAIN-2`,
      `${second.registration},2026-05-10,300.50,AGAIN-3`,
    ].join('\n')
    const once = await upload(operator, csv)
    assert.equal(once.statusCode, 201, once.body)
    assert.equal(once.json<ImportReport>().created, 3)
    await t.platform.jobs.drain()
    const emails = smtp.messages.filter((message) => message.recipients.includes(second.user.email))
    assert.deepEqual(
      emails.map((email) => email.parsed.subject),
      ['Payments registered.'],
    )
    assert.match(emails[0]?.parsed.text ?? '', /3 payments/)
    assert.match(emails[0]?.parsed.text ?? '', /600\.50/)
    assert.match(emails[0]?.parsed.text ?? '', /2026-05-01/)
    assert.match(emails[0]?.parsed.text ?? '', /2026-05-20/)

    const twice = await upload(operator, `${csv}\n${second.id},2026-05-21,1.00,AGAIN-4\n`)
    assert.equal(twice.statusCode, 201, twice.body)
    assert.deepEqual(twice.json<ImportReport>(), {
      dry_run: false,
      rows: 4,
      created: 1,
      skipped: 3,
      skipped_lines: [2, 3, 4],
    })
    assert.equal((await paymentsOf(second)).length, 4)
  })

  it('checks a file of many batches as a whole: a repeat far down names the first line, and nothing is written', async () => {
    const supplier = await newSupplier()
    const rows = Array.from({ length: 12_000 }, (_, i) => `${supplier.id},2026-06-01,1.00,BIG-${i}`)
    rows[10_999] = `${supplier.registration},2026-06-01,1.00,BIG-3`
    const refused = await upload(operator, [HEADER, ...rows].join('\n'))
    assert.deepEqual(assertInvalid(refused), {
      'line 11001.external_ref': ['Line 5 has the same reference for the same supplier.'],
    })
    assert.deepEqual(await paymentsOf(supplier), [])

    rows[10_999] = `${supplier.registration},2026-06-02,2.50,BIG-10999`
    const imported = await upload(operator, [HEADER, ...rows].join('\n'))
    assert.equal(imported.statusCode, 201, imported.body)
    assert.deepEqual(imported.json<ImportReport>(), {
      dry_run: false,
      rows: 12_000,
      created: 12_000,
      skipped: 0,
      skipped_lines: [],
    })
    const counted = await t.app.inject({
      method: 'GET',
      url: `/api/payments/?supplier=${supplier.id}&page_size=1`,
      headers: operator.headers,
    })
    assert.equal(counted.json<Page<Payment>>().count, 12_000)
    await t.platform.jobs.drain()
    const emails = smtp.messages.filter((message) => message.recipients.includes(supplier.user.email))
    assert.equal(emails.length, 1)
    assert.match(emails[0]?.parsed.text ?? '', /12000 payments/)
    assert.match(emails[0]?.parsed.text ?? '', /12001\.50/)
  })
})
