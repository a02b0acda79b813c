import type { FieldErrors } from '../../platform/errors.ts'
import { formatCents, parseMoney } from '../../platform/validation/money.ts'

/*
 * The rules of one row of a payments file, without the database: the header names the four columns
 * (in any order, each once, nothing else); a row has one value per column; `supplier` is a supplier's
 * id or its company's registration number (digits, resolved later); `due_date` a real calendar date,
 * not before today; `value` an amount > 0 with at most 2 decimals, below 10^9; `external_ref` the
 * paying system's reference, 1–100 characters.
 */

export const IMPORT_COLUMNS = ['supplier', 'due_date', 'value', 'external_ref'] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

/** Where each column is in a row. */
export type ColumnPositions = Record<ImportColumn, number>

export interface ImportRow {
  line: number
  /** Digits: an id or a registration number. */
  supplier: string
  dueDate: string
  /** Decimal string with two places. */
  value: string
  externalRef: string
}

const MAX_REF_LENGTH = 100
const VALUE_BELOW = '1000000000'

/** The positions of the columns, or the errors of a header that does not name exactly the four. */
export function readHeader(fields: string[]): ColumnPositions | FieldErrors {
  const names = fields.map((field) => field.trim().toLowerCase())
  const problems: string[] = []
  const missing = IMPORT_COLUMNS.filter((column) => !names.includes(column))
  if (missing.length > 0)
    problems.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`)
  const unknown = names.filter((name) => !(IMPORT_COLUMNS as readonly string[]).includes(name))
  if (unknown.length > 0) {
    problems.push(
      `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((name) => `"${name}"`).join(', ')}.`,
    )
  }
  const repeated = IMPORT_COLUMNS.filter((column) => names.indexOf(column) !== names.lastIndexOf(column))
  if (repeated.length > 0)
    problems.push(`Repeated column${repeated.length > 1 ? 's' : ''}: ${repeated.join(', ')}.`)
  if (problems.length > 0) {
    return { columns: [...problems, `The first line names the columns: ${IMPORT_COLUMNS.join(', ')}.`] }
  }
  return {
    supplier: names.indexOf('supplier'),
    due_date: names.indexOf('due_date'),
    value: names.indexOf('value'),
    external_ref: names.indexOf('external_ref'),
  }
}

export function isColumnPositions(header: ColumnPositions | FieldErrors): header is ColumnPositions {
  return typeof (header as Partial<ColumnPositions>).supplier === 'number'
}

/** A row checked field by field: the row, or every problem it has. */
export function readRow(
  line: number,
  fields: string[],
  columns: ColumnPositions,
  today: string,
): ImportRow | FieldErrors {
  if (fields.length !== IMPORT_COLUMNS.length) {
    return {
      non_field_errors: [`Expected ${IMPORT_COLUMNS.length} values, found ${fields.length}.`],
    }
  }
  const errors: FieldErrors = {}
  // The first problem of a field is the one reported.
  const add = (field: ImportColumn, message: string) => {
    if (!(field in errors)) errors[field] = [message]
  }
  const at = (column: ImportColumn) => (fields[columns[column]] ?? '').trim()
  for (const column of IMPORT_COLUMNS) {
    if (at(column).includes('\u0000')) errors[column] = ['This field cannot contain the NUL character.']
  }
  const supplier = at('supplier')
  if (!/^\d{1,18}$/.test(supplier)) {
    add('supplier', 'Enter the supplier’s id or its registration number (digits only).')
  }
  const dueDate = at('due_date')
  if (!isCalendarDate(dueDate)) add('due_date', 'Enter a valid date (YYYY-MM-DD).')
  else if (dueDate < today) add('due_date', 'Due date cannot be in the past.')
  const cents = parseMoney(at('value'), { min: '0', exclusiveMin: true, below: VALUE_BELOW })
  if (typeof cents === 'string') add('value', cents)
  const externalRef = at('external_ref')
  if (externalRef.length === 0) add('external_ref', 'This field is required.')
  else if (externalRef.length > MAX_REF_LENGTH) {
    add('external_ref', `Ensure this field has no more than ${MAX_REF_LENGTH} characters.`)
  }
  if (Object.keys(errors).length > 0 || typeof cents === 'string') return errors
  return { line, supplier, dueDate, value: formatCents(cents), externalRef }
}

export function isImportRow(row: ImportRow | FieldErrors): row is ImportRow {
  return typeof (row as Partial<ImportRow>).line === 'number'
}

/** YYYY-MM-DD naming a day that exists (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}
