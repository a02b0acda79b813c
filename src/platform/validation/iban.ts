/**
 * IBAN checks of ISO 13616: the country's registered length and the mod-97 check digits. Used for
 * users' refund accounts and companies' bank accounts.
 */
// prettier-ignore
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
}

/** The IBAN as stored: no spaces, upper-case. */
export function normalizeIban(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase()
}

/** Why `input` is not a valid IBAN, or undefined when it is. */
export function ibanProblem(input: string): string | undefined {
  const iban = normalizeIban(input)
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return 'Enter a valid IBAN: two letters, two check digits, then the account (letters and digits).'
  }
  const country = iban.slice(0, 2)
  const length = IBAN_LENGTHS[country]
  if (length === undefined) return `IBANs are not issued for country code ${country}.`
  if (iban.length !== length)
    return `An IBAN from ${country} has ${length} characters; this one has ${iban.length}.`
  if (mod97(iban.slice(4) + iban.slice(0, 4)) !== 1)
    return 'The IBAN check digits do not match; check for a typo.'
  return undefined
}

export function ibanCountry(iban: string): string {
  return normalizeIban(iban).slice(0, 2)
}

/** Remainder of the number spelt by `text` (letters as 10–35), computed piecewise to stay exact. */
function mod97(text: string): number {
  let remainder = 0
  for (const char of text) {
    const value = char >= 'A' ? (char.charCodeAt(0) - 55).toString() : char
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder
}
