import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { getCountrySpecifications } from 'ibantools'
import { ibanCountry, ibanProblem, normalizeIban } from './iban.ts'

/** Published examples of real IBANs (the banks' and registries' own). */
const VALID = [
  'DE89370400440532013000',
  'GB82WEST12345698765432',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'BR1800360305000010009795493C1',
  'ES9121000418450200051332',
  'BE68539007547034',
  'CH9300762011623852957',
  'NO9386011117947',
  'IT60X0542811101000000123456',
]

/** IBANs whose account part is digits only, so no letter may appear anywhere after the country. */
const ALL_DIGITS = [
  'DE89370400440532013000',
  'ES9121000418450200051332',
  'BE68539007547034',
  'NO9386011117947',
]

const DIGITS = '0123456789'
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** Every IBAN that differs from `iban` in one character after the country code, the new one from `alphabet(old)`. */
function substitutions(iban: string, alphabet: (old: string) => string): string[] {
  const variants: string[] = []
  for (let index = 2; index < iban.length; index++) {
    const old = iban[index]!
    for (const replacement of alphabet(old)) {
      if (replacement !== old) variants.push(iban.slice(0, index) + replacement + iban.slice(index + 1))
    }
  }
  return variants
}

const sameKind = (old: string) => (DIGITS.includes(old) ? DIGITS : LETTERS)

describe('valid IBANs', () => {
  for (const iban of VALID) {
    it(`accepts ${iban}`, () => {
      assert.equal(ibanProblem(iban), undefined)
    })
  }

  it('accepts spaces and lower case, as people write IBANs', () => {
    assert.equal(ibanProblem('gb82 west 1234 5698 7654 32'), undefined)
  })

  it('normalises to upper case without spaces or dashes', () => {
    assert.equal(normalizeIban(' gb82 west-1234 5698 7654 32 '), 'GB82WEST12345698765432')
  })

  it('reads the country from the first two letters', () => {
    assert.equal(ibanCountry('br18 0036 0305 0000 1000 9795 493c 1'), 'BR')
  })
})

describe('typos', () => {
  for (const iban of VALID) {
    it(`rejects every change of one digit for another digit, or one letter for another letter, in ${iban}`, () => {
      const accepted = substitutions(iban, sameKind).filter((variant) => ibanProblem(variant) === undefined)
      assert.deepEqual(accepted, [])
    })
  }

  for (const iban of ALL_DIGITS) {
    it(`rejects every one-character change in ${iban}, whose account part is digits only`, () => {
      const accepted = substitutions(iban, () => DIGITS + LETTERS).filter(
        (variant) => ibanProblem(variant) === undefined,
      )
      assert.deepEqual(accepted, [])
    })
  }

  it('rejects a letter where the country has digits, even when mod 97 happens to match', () => {
    // DE89370400440532013000 with its 4th account digit, 7, typed as S: the check digits still add up.
    assert.match(ibanProblem('DE893S0400440532013000')!, /not laid out like an IBAN from DE/)
  })

  it('explains a check-digit mismatch as a likely typo', () => {
    assert.equal(
      ibanProblem('DE88370400440532013000'),
      'The IBAN check digits do not match; check for a typo.',
    )
  })
})

describe('malformed IBANs', () => {
  it('names the expected length of the country when the length is wrong', () => {
    assert.equal(ibanProblem('DE8937040044053201300'), 'An IBAN from DE has 22 characters; this one has 21.')
  })

  it('rejects a country that issues no IBANs', () => {
    assert.equal(ibanProblem('US12345678901234567890'), 'IBANs are not issued for country code US.')
  })

  for (const garbage of [
    '',
    'hello',
    '1234567890',
    'DEXX370400440532013000',
    'DE89 3704 0044 0532 0130 0€',
  ]) {
    it(`explains what an IBAN looks like when given ${JSON.stringify(garbage)}`, () => {
      assert.match(ibanProblem(garbage)!, /^Enter a valid IBAN: two letters, two check digits/)
    })
  }
})

/*
 * Every country's layout against an independent transcription of the SWIFT IBAN Registry (the
 * ibantools package's country specifications): an IBAN built to the registry's layout, with letters
 * wherever the registry allows them, must be accepted, and one with a digit where only letters go
 * must be refused.
 */
describe('the registry’s layout of every country', () => {
  const specifications = getCountrySpecifications()
  /**
   * Where the transcription is stricter or looser than the SWIFT registry's own notation, Bureau follows
   * the registry: Belarus and the Dominican Republic start with `4!c` (letters or digits), and Turkey's
   * sixth character is `1!n`, a digit.
   */
  const FOLLOWING_THE_REGISTRY: Record<string, { accepted: string; refused?: string }> = {
    BY: { accepted: '1234' + '5678' + 'ABCD1234EFGH5678' },
    DO: { accepted: '1234' + '00000000001234567890' },
    TR: { accepted: '00061' + '0' + '0519786457841326', refused: '00061' + 'A' + '0519786457841326' },
  }
  const registry = Object.entries(specifications).filter(
    ([country, spec]) => spec.IBANRegistry && spec.bban_regexp && !(country in FOLLOWING_THE_REGISTRY),
  )

  /** The blocks of a BBAN expression such as ^[A-Z]{4}[0-9]{20}$. */
  function blocksOf(expression: string): { kind: 'digits' | 'letters' | 'both'; size: number }[] {
    return [...expression.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)].map((block) => {
      const characters = block[1] ?? ''
      const digits = characters.includes('0-9')
      const letters = characters.includes('A-Z')
      return { kind: digits && letters ? 'both' : digits ? 'digits' : 'letters', size: Number(block[2]) }
    })
  }

  /** The IBAN of `country` with `bban`, its check digits computed (mod 97, ISO 7064). */
  function withCheckDigits(country: string, bban: string): string {
    const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55))
    const remainder = Array.from(rearranged).reduce((sum, digit) => (sum * 10 + Number(digit)) % 97, 0)
    return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`
  }

  function bbanOf(blocks: ReturnType<typeof blocksOf>): string {
    const fill = { digits: '7', letters: 'K', both: 'B' }
    return blocks.map((block) => fill[block.kind].repeat(block.size)).join('')
  }

  it('reads a layout for every registry country (the transcription is there)', () => {
    assert.ok(registry.length >= 80, `${registry.length} countries`)
  })

  for (const [country, { accepted, refused }] of Object.entries(FOLLOWING_THE_REGISTRY)) {
    it(`follows the SWIFT registry’s notation for ${country}`, () => {
      assert.equal(ibanProblem(withCheckDigits(country, accepted)), undefined)
      if (refused) assert.notEqual(ibanProblem(withCheckDigits(country, refused)), undefined)
    })
  }

  for (const [country, spec] of registry) {
    const blocks = blocksOf(spec.bban_regexp ?? '')
    it(`accepts ${country} IBANs of ${spec.chars} characters in the registry’s layout, and refuses a digit where letters go`, () => {
      const iban = withCheckDigits(country, bbanOf(blocks))
      assert.equal(iban.length, spec.chars)
      assert.equal(ibanProblem(iban), undefined, iban)
      const lettersAt = blocks.findIndex((block) => block.kind === 'letters')
      if (lettersAt >= 0) {
        const spoiled = blocks.map((block, index) =>
          index === lettersAt ? { ...block, kind: 'digits' as const } : block,
        )
        const wrong = withCheckDigits(country, bbanOf(spoiled))
        assert.notEqual(ibanProblem(wrong), undefined, wrong)
      }
    })
  }
})
