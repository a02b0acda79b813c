import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { describe, it } from 'node:test'
import { createSpool } from './spool.ts'

async function spoolFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('bureau-spool-'))
}

async function readAll<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const record of records) all.push(record)
  return all
}

describe('spool', () => {
  it('gives back every record in the order written, across many writes to the file', async () => {
    const spool = await createSpool<[number, string]>()
    // Far more than one write's worth of bytes, with text JSON must escape.
    const written = Array.from({ length: 20_000 }, (_, i): [number, string] => [i, `ref,"${i}"\n\u00e9`])
    for (const record of written) await spool.write(record)
    assert.equal(spool.count, 20_000)
    assert.deepEqual(await readAll(spool.read()), written)
    await spool.close()
  })

  it('can be read twice, and refuses writes once reading started', async () => {
    const spool = await createSpool<string>()
    await spool.write('a')
    await spool.write('b')
    assert.deepEqual(await readAll(spool.read()), ['a', 'b'])
    assert.deepEqual(await readAll(spool.read()), ['a', 'b'])
    await assert.rejects(spool.write('c'), /being read/)
    await spool.close()
  })

  it('reads an empty spool as no records', async () => {
    const spool = await createSpool<string>()
    assert.deepEqual(await readAll(spool.read()), [])
    await spool.close()
  })

  it('leaves no file behind once closed, even when never read, and closing twice is harmless', async () => {
    const before = await spoolFolders()
    const spool = await createSpool<number>()
    await spool.write(1)
    const made = (await spoolFolders()).filter((name) => !before.includes(name))
    assert.equal(made.length, 1)
    await spool.close()
    await spool.close()
    assert.equal(existsSync(`${tmpdir()}/${made[0]}`), false)
  })
})
