import { sql, type Kysely } from 'kysely'

/** National bank codes (Brazil's three-digit COMPE codes) that domestic bank accounts refer to. */
const BANKS: [code: string, name: string][] = [
  ['001', 'Banco do Brasil S.A.'],
  ['003', 'Banco da Amazônia S.A.'],
  ['004', 'Banco do Nordeste do Brasil S.A.'],
  ['021', 'Banestes S.A. Banco do Estado do Espírito Santo'],
  ['033', 'Banco Santander (Brasil) S.A.'],
  ['037', 'Banco do Estado do Pará S.A.'],
  ['041', 'Banco do Estado do Rio Grande do Sul S.A. (Banrisul)'],
  ['047', 'Banco do Estado de Sergipe S.A. (Banese)'],
  ['070', 'BRB - Banco de Brasília S.A.'],
  ['077', 'Banco Inter S.A.'],
  ['104', 'Caixa Econômica Federal'],
  ['197', 'Stone Instituição de Pagamento S.A.'],
  ['208', 'Banco BTG Pactual S.A.'],
  ['212', 'Banco Original S.A.'],
  ['237', 'Banco Bradesco S.A.'],
  ['246', 'Banco ABC Brasil S.A.'],
  ['260', 'Nu Pagamentos S.A. (Nubank)'],
  ['290', 'PagSeguro Internet Instituição de Pagamento S.A.'],
  ['318', 'Banco BMG S.A.'],
  ['323', 'Mercado Pago Instituição de Pagamento Ltda.'],
  ['336', 'Banco C6 S.A.'],
  ['341', 'Itaú Unibanco S.A.'],
  ['380', 'PicPay Instituição de Pagamento S.A.'],
  ['389', 'Banco Mercantil do Brasil S.A.'],
  ['422', 'Banco Safra S.A.'],
  ['623', 'Banco Pan S.A.'],
  ['633', 'Banco Rendimento S.A.'],
  ['643', 'Banco Pine S.A.'],
  ['655', 'Banco Votorantim S.A.'],
  ['707', 'Banco Daycoval S.A.'],
  ['745', 'Banco Citibank S.A.'],
  ['748', 'Banco Cooperativo Sicredi S.A.'],
  ['756', 'Banco Cooperativo do Brasil S.A. (Sicoob)'],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)

  await sql`
    create table banks (
      code text primary key check (code ~ '^[0-9]{3}$'),
      name text not null
    )`.execute(db)
  for (const [code, name] of BANKS) {
    await sql`insert into banks (code, name) values (${code}, ${name})`.execute(db)
  }

  await sql`
    create table companies (
      id bigint generated always as identity primary key,
      legal_name text not null check (length(legal_name) between 1 and 200),
      trade_name text check (length(trade_name) <= 200),
      registration_number text not null check (registration_number ~ '^[0-9]{8,14}$'),
      email text not null,
      phone text,
      website text,
      declared_billing numeric(15, 2) check (declared_billing >= 0),
      billing_email text,
      billing_line1 text,
      billing_line2 text,
      billing_city text,
      billing_region text,
      billing_postal_code text,
      billing_country text check (billing_country ~ '^[A-Z]{2}$'),
      -- What ?search= matches: names and registration number, lower-cased, in one indexed text.
      search_text text generated always as (
        lower(legal_name) || ' ' || lower(coalesce(trade_name, '')) || ' ' || registration_number
      ) stored,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint companies_registration_number_key unique (registration_number),
      -- A billing address is given whole (line1, city, postal code, country) or not at all.
      constraint companies_billing_address_complete check (
        (billing_line1 is null and billing_city is null and billing_postal_code is null and billing_country is null
          and billing_line2 is null and billing_region is null)
        or (billing_line1 is not null and billing_city is not null and billing_postal_code is not null
          and billing_country is not null)
      )
    )`.execute(db)
  await sql`create index companies_legal_name_id_idx on companies (legal_name, id)`.execute(db)
  await sql`create index companies_search_text_trgm_idx on companies using gin (search_text gin_trgm_ops)`.execute(
    db,
  )

  await sql`
    create table bank_accounts (
      id bigint generated always as identity primary key,
      company_id bigint not null references companies (id) on delete cascade,
      holder_name text not null check (length(holder_name) between 1 and 150),
      bank_code text references banks (code),
      branch text check (branch ~ '^[0-9]{1,10}$'),
      account_number text check (account_number ~ '^[0-9]{1,12}(-[0-9X])?$'),
      iban text check (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
      bic text check (bic ~ '^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      country text not null check (country ~ '^[A-Z]{2}$'),
      is_default boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      -- Either a domestic account (bank, branch, number) or an IBAN, never both, never neither.
      constraint bank_accounts_domestic_or_iban check (
        (iban is not null and bank_code is null and branch is null and account_number is null)
        or (iban is null and bank_code is not null and branch is not null and account_number is not null)
      )
    )`.execute(db)
  await sql`create index bank_accounts_company_id_idx on bank_accounts (company_id, id)`.execute(db)
  // The same account twice in one company is refused by the database itself.
  await sql`create unique index bank_accounts_company_iban_key on bank_accounts (company_id, iban)
    where iban is not null`.execute(db)
  await sql`create unique index bank_accounts_company_domestic_key
    on bank_accounts (company_id, bank_code, branch, account_number) where iban is null`.execute(db)
  // At most one default account per company and currency.
  await sql`create unique index bank_accounts_company_default_key on bank_accounts (company_id, currency)
    where is_default`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table bank_accounts`.execute(db)
  await sql`drop table companies`.execute(db)
  await sql`drop table banks`.execute(db)
}
