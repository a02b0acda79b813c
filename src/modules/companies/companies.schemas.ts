import { Type, type Static } from 'typebox'
import { PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const NOT_BLANK = { pattern: '\\S', 'x-error': 'This field may not be blank.' }

const Text = (maxLength: number, example: string, description?: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    ...NOT_BLANK,
    examples: [example],
    ...(description ? { description } : {}),
  })

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['finance@acme.com.br'] })
const Phone = Type.String({
  pattern: '^\\+?[0-9]{8,15}$',
  'x-error': 'Enter a phone number of 8 to 15 digits, optionally starting with +.',
  examples: ['+551130001000'],
})
// http(s) only: a `javascript:` URI is a valid URI, and a console that links to it runs it.
const Website = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 300,
  'x-error': 'Enter a web address starting with http:// or https://.',
  examples: ['https://acme.com.br'],
})
const RegistrationNumber = Type.String({
  pattern: '^[0-9]{8,14}$',
  'x-error': 'Enter 8 to 14 digits, without dots, slashes or dashes.',
  description: 'National registration number (e.g. a CNPJ), digits only; unique.',
  examples: ['11222333000181'],
})
const MoneyInput = Type.Union([Type.String({ maxLength: 20 }), Type.Number()], {
  description: 'Money: a decimal string ("1500000.00") or a number, at most 2 decimals.',
  examples: ['1500000.00'],
})
const Money = Type.String({ description: 'Decimal string with two places.', examples: ['1500000.00'] })
const CountryCode = Type.String({
  pattern: '^[A-Z]{2}$',
  'x-error': 'Use an ISO 3166-1 alpha-2 country code, e.g. BR.',
  examples: ['BR'],
})
const CurrencyCode = Type.String({
  pattern: '^[A-Z]{3}$',
  'x-error': 'Use an ISO 4217 currency code, e.g. BRL.',
  examples: ['BRL'],
})

export const BillingAddress = Type.Object(
  {
    line1: Text(200, 'Av. Paulista, 1000'),
    line2: Type.Optional(Nullable(Type.String({ maxLength: 200, examples: ['Sala 101'] }))),
    city: Text(100, 'São Paulo'),
    region: Type.Optional(Nullable(Type.String({ maxLength: 100, examples: ['SP'] }))),
    postal_code: Text(20, '01310-100'),
    country: CountryCode,
  },
  { additionalProperties: false, title: 'BillingAddress' },
)
export type BillingAddress = Static<typeof BillingAddress>

const accountFields = {
  holder_name: Text(150, 'Acme Comércio Ltda.'),
  bank_code: Type.Optional(
    Type.String({
      pattern: '^[0-9]{3}$',
      'x-error': 'Use a 3-digit bank code from /api/banks.',
      description: 'Domestic account: bank code from /api/banks.',
      examples: ['341'],
    }),
  ),
  branch: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,10}$',
      'x-error': 'Enter the branch as 1 to 10 digits.',
      description: 'Domestic account: branch, up to 10 digits.',
      examples: ['0001'],
    }),
  ),
  account_number: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,12}(-?[0-9Xx])?$',
      'x-error': 'Enter up to 12 digits, optionally followed by a check digit after a dash (12345-6).',
      description: 'Domestic account: up to 12 digits, optional check digit after a dash.',
      examples: ['12345-6'],
    }),
  ),
  iban: Type.Optional(
    Type.String({
      minLength: 5,
      maxLength: 42,
      description: 'IBAN (ISO 13616); spaces allowed, stored without them, upper-case.',
      examples: ['BR1800360305000010009795493C1'],
    }),
  ),
  bic: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{4}[A-Za-z]{2}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$',
      'x-error': 'Enter a BIC of 8 or 11 letters and digits, e.g. ITAUBRSP or ITAUBRSPXXX.',
      examples: ['ITAUBRSP'],
    }),
  ),
  currency: CurrencyCode,
  country: Type.Optional(
    Type.String({
      ...CountryCode,
      description: 'Required for a domestic account; for an IBAN it defaults to the IBAN’s country.',
    }),
  ),
  is_default: Type.Optional(
    Type.Boolean({ description: 'The account payouts in this currency go to; one per currency.' }),
  ),
}

export const NewBankAccount = Type.Object(accountFields, {
  additionalProperties: false,
  title: 'NewBankAccount',
  description: 'Either a domestic account (bank_code, branch, account_number) or an iban.',
})
export type NewBankAccount = Static<typeof NewBankAccount>

export const BankAccountChanges = Type.Object(
  {
    holder_name: Type.Optional(accountFields.holder_name),
    bic: Type.Optional(Nullable(accountFields.bic)),
    is_default: accountFields.is_default,
  },
  {
    additionalProperties: false,
    title: 'BankAccountChanges',
    description: 'The account itself (numbers, IBAN, currency) cannot change: add a new one instead.',
  },
)
export type BankAccountChanges = Static<typeof BankAccountChanges>

export const BankAccount = Type.Object(
  {
    id: Type.Integer(),
    holder_name: Type.String(),
    bank_code: Nullable(Type.String()),
    branch: Nullable(Type.String()),
    account_number: Nullable(Type.String()),
    iban: Nullable(Type.String()),
    bic: Nullable(Type.String()),
    currency: Type.String(),
    country: Type.String(),
    is_default: Type.Boolean(),
    created_at: Timestamp,
  },
  { title: 'BankAccount' },
)
export type BankAccount = Static<typeof BankAccount>

const companyInputFields = {
  legal_name: Text(200, 'Acme Comércio Ltda.'),
  trade_name: Type.Optional(Nullable(Type.String({ maxLength: 200, examples: ['Acme'] }))),
  registration_number: RegistrationNumber,
  email: Email,
  phone: Type.Optional(Nullable(Phone)),
  website: Type.Optional(Nullable(Website)),
  declared_billing: Type.Optional(Nullable(MoneyInput)),
  billing_email: Type.Optional(Nullable(Email)),
  billing_address: Type.Optional(Nullable(BillingAddress)),
}

export const NewCompany = Type.Object(
  {
    ...companyInputFields,
    bank_accounts: Type.Optional(Type.Array(NewBankAccount, { maxItems: 20 })),
  },
  { additionalProperties: false, title: 'NewCompany' },
)
export type NewCompany = Static<typeof NewCompany>

export const CompanyChanges = Type.Object(
  {
    legal_name: Type.Optional(companyInputFields.legal_name),
    trade_name: companyInputFields.trade_name,
    registration_number: Type.Optional(RegistrationNumber),
    email: Type.Optional(Email),
    phone: companyInputFields.phone,
    website: companyInputFields.website,
    declared_billing: companyInputFields.declared_billing,
    billing_email: companyInputFields.billing_email,
    billing_address: companyInputFields.billing_address,
  },
  {
    additionalProperties: false,
    title: 'CompanyChanges',
    description: 'Only the fields sent change; bank accounts have routes of their own.',
  },
)
export type CompanyChanges = Static<typeof CompanyChanges>

const companyFields = {
  id: Type.Integer(),
  legal_name: Type.String(),
  trade_name: Nullable(Type.String()),
  registration_number: Type.String(),
  email: Type.String(),
  phone: Nullable(Type.String()),
  website: Nullable(Type.String()),
  declared_billing: Nullable(Money),
  billing_email: Nullable(Type.String()),
  billing_address: Nullable(
    Type.Object({
      line1: Type.String(),
      line2: Nullable(Type.String()),
      city: Type.String(),
      region: Nullable(Type.String()),
      postal_code: Type.String(),
      country: Type.String(),
    }),
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
}

export const CompanySummary = Type.Object(companyFields, { title: 'CompanySummary' })
export type CompanySummary = Static<typeof CompanySummary>

export const Company = Type.Object(
  { ...companyFields, bank_accounts: Type.Array(BankAccount) },
  { title: 'Company' },
)
export type Company = Static<typeof Company>

export const CompaniesQuery = Type.Object({
  search: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'Case-insensitive; matches legal name, trade name or registration number.',
    }),
  ),
  ...PageQuery,
})
export type CompaniesQuery = Static<typeof CompaniesQuery>

export const CompaniesPage = PageOf(CompanySummary, 'CompaniesPage')

export const Bank = Type.Object(
  { code: Type.String({ examples: ['341'] }), name: Type.String({ examples: ['Itaú Unibanco S.A.'] }) },
  { title: 'Bank' },
)

export const AccountParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  account_id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
})
