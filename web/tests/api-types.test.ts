import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { it } from 'node:test'
import { API_TYPES_FILE, generateApiTypes } from '../tools/api-types.ts'

it("the console's API types are what the current /openapi.json generates (run `npm run web:api` after changing a route)", async () => {
  const committed = await readFile(API_TYPES_FILE, 'utf8')
  const generated = await generateApiTypes()
  assert.ok(
    committed === generated,
    'web/src/api/schema.d.ts is out of date: run `npm run web:api` and commit it',
  )
})
