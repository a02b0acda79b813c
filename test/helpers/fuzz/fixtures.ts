import assert from 'node:assert/strict'
import type { SignedInUser } from '../accounts.ts'
import type { TestApp } from '../app.ts'
import { complaintBody } from '../complaints.ts'

/**
 * A few objects of every kind, made before the fuzzing starts: ids start at 1 in the fresh database,
 * so the small ids the fuzzer tries name objects that exist and requests get past their 404s.
 */
export async function createFixtures(
  t: TestApp,
  admin: SignedInUser,
  complainer: SignedInUser,
): Promise<void> {
  const post = async (url: string, payload: object, caller = admin) => {
    const response = await t.app.inject({ method: 'POST', url, headers: caller.headers, payload })
    assert.equal(response.statusCode, 201, `${url}: ${response.body}`)
    return response.json<{ id: number }>().id
  }
  for (let index = 1; index <= 3; index++) {
    const company = await post('/api/companies', {
      legal_name: `Fixture ${index} Ltda.`,
      registration_number: `1122233300018${index}`,
      email: `fixture${index}@example.com`,
      bank_accounts: [
        { holder_name: 'Fixture', iban: 'DE89370400440532013000', currency: 'EUR', is_default: true },
      ],
    })
    if (index === 1) {
      const supplier = await post('/api/suppliers', { user: admin.id, company })
      for (const day of ['2026-04-01', '2026-04-15', '2026-05-01']) {
        const payment = await post('/api/payments/', { supplier, due_date: day, value: '1000.00' })
        await post('/api/anticipations/', { payment, new_due_date: '2026-03-20' })
      }
    }
    const hotel = await post('/api/hotels', { name: `Fixture Hotel ${index}`, location: 'Recife' })
    const room = await post(`/api/hotels/${hotel}/rooms`, { name: 'Double', price: '120.00', quantity: 2 })
    await post('/api/bookings', { room_id: room, date_from: '2026-03-10', date_to: '2026-03-12' }, complainer)
    await post('/api/complaints', await complaintBody(), complainer)
  }
}
