/**
 * IBAN checks of ISO 13616: the country's registered layout (length, and where digits and letters go)
 * and the mod-97 check digits. Used for users' refund accounts and companies' bank accounts.
 */

/**
 * The BBAN (the part after the check digits) of each country, in the notation of the SWIFT IBAN
 * Registry: `8!n` is 8 digits, `4!a` 4 upper-case letters, `12!c` 12 letters or digits. Mod 97 alone
 * misses some typos that put a letter where a digit belongs (a letter counts as two digits), so the
 * layout is checked too.
 */
// prettier-ignore
const BBAN_STRUCTURES: Record<string, string> = {
  AD: '4!n4!n12!c', AE: '3!n16!n', AL: '8!n16!c', AT: '5!n11!n', AZ: '4!a20!c', BA: '3!n3!n8!n2!n',
  BE: '3!n7!n2!n', BG: '4!a4!n2!n8!c', BH: '4!a14!c', BI: '5!n5!n11!n2!n', BR: '8!n5!n10!n1!a1!c',
  BY: '4!c4!n16!c', CH: '5!n12!c', CR: '4!n14!n', CY: '3!n5!n16!c', CZ: '4!n6!n10!n', DE: '8!n10!n',
  DJ: '5!n5!n11!n2!n', DK: '4!n9!n1!n', DO: '4!c20!n', EE: '2!n2!n11!n1!n', EG: '4!n4!n17!n',
  ES: '4!n4!n1!n1!n10!n', FI: '3!n11!n', FK: '2!a12!n', FO: '4!n9!n1!n', FR: '5!n5!n11!c2!n',
  GB: '4!a6!n8!n', GE: '2!a16!n', GI: '4!a15!c', GL: '4!n9!n1!n', GR: '3!n4!n16!c', GT: '4!c20!c',
  HN: '4!a20!n', HR: '7!n10!n', HU: '3!n4!n1!n15!n1!n', IE: '4!a6!n8!n', IL: '3!n3!n13!n',
  IQ: '4!a3!n12!n', IS: '4!n2!n6!n10!n', IT: '1!a5!n5!n12!c', JO: '4!a4!n18!c', KW: '4!a22!c',
  KZ: '3!n13!c', LB: '4!n20!c', LC: '4!a24!c', LI: '5!n12!c', LT: '5!n11!n', LU: '3!n13!c',
  LV: '4!a13!c', LY: '3!n3!n15!n', MC: '5!n5!n11!c2!n', MD: '2!c18!c', ME: '3!n13!n2!n',
  MK: '3!n10!c2!n', MN: '4!n12!n', MR: '5!n5!n11!n2!n', MT: '4!a5!n18!c', MU: '4!a2!n2!n12!n3!n3!a',
  NI: '4!a20!n', NL: '4!a10!n', NO: '4!n6!n1!n', OM: '3!n16!c', PK: '4!a16!c', PL: '8!n16!n',
  PS: '4!a21!c', PT: '4!n4!n11!n2!n', QA: '4!a21!c', RO: '4!a16!c', RS: '3!n13!n2!n',
  RU: '9!n5!n15!c', SA: '2!n18!c', SC: '4!a2!n2!n16!n3!a', SD: '2!n12!n', SE: '3!n16!n1!n',
  SI: '5!n8!n2!n', SK: '4!n6!n10!n', SM: '1!a5!n5!n12!c', SO: '4!n3!n12!n', ST: '8!n11!n2!n',
  SV: '4!a20!n', TL: '3!n14!n2!n', TN: '2!n3!n13!n2!n', TR: '5!n1!n16!c', UA: '6!n19!c',
  VA: '3!n15!n', VG: '4!a16!n', XK: '4!n10!n2!n', YE: '4!a4!n18!c',
  // Territories whose banks issue IBANs with their own code in France's or Finland's layout.
  AX: '3!n11!n', BL: '5!n5!n11!c2!n', GF: '5!n5!n11!c2!n', GP: '5!n5!n11!c2!n', MF: '5!n5!n11!c2!n',
  MQ: '5!n5!n11!c2!n', NC: '5!n5!n11!c2!n', PF: '5!n5!n11!c2!n', PM: '5!n5!n11!c2!n', RE: '5!n5!n11!c2!n',
  TF: '5!n5!n11!c2!n', WF: '5!n5!n11!c2!n', YT: '5!n5!n11!c2!n',
}

interface CountryFormat {
  /** Characters of the whole IBAN. */
  length: number
  bban: RegExp
}

const CHARACTER_CLASSES = { n: '[0-9]', a: '[A-Z]', c: '[A-Z0-9]' }

const FORMATS = new Map<string, CountryFormat>(
  Object.entries(BBAN_STRUCTURES).map(([country, structure]) => [country, compile(structure)]),
)

function compile(structure: string): CountryFormat {
  const blocks = [...structure.matchAll(/(\d+)!([nac])/g)].map((block) => ({
    size: Number(block[1]),
    // The expression's second group is one of n, a, c.
    pattern: CHARACTER_CLASSES[block[2] as keyof typeof CHARACTER_CLASSES],
  }))
  return {
    length: 4 + blocks.reduce((sum, block) => sum + block.size, 0),
    bban: new RegExp(`^${blocks.map((block) => `${block.pattern}{${block.size}}`).join('')}$`),
  }
}

/** The IBAN as stored: no spaces, upper-case. */
export function normalizeIban(input: string): string {
  // Stryker disable next-line Regex: equivalent — removing runs of spaces and dashes or each one alone gives the same text.
  return input.replace(/[\s-]+/g, '').toUpperCase()
}

/** Why `input` is not a valid IBAN, or undefined when it is. */
export function ibanProblem(input: string): string | undefined {
  const iban = normalizeIban(input)
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return 'Enter a valid IBAN: two letters, two check digits, then the account (letters and digits).'
  }
  const country = iban.slice(0, 2)
  const format = FORMATS.get(country)
  if (format === undefined) return `IBANs are not issued for country code ${country}.`
  if (iban.length !== format.length)
    return `An IBAN from ${country} has ${format.length} characters; this one has ${iban.length}.`
  if (!format.bban.test(iban.slice(4)))
    return `The account part is not laid out like an IBAN from ${country}; check for a typo.`
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
