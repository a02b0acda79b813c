/*
 * CSV as RFC 4180 writes it: a header line, then one line per row, fields separated by commas, lines
 * ending with CRLF. A field holding a comma, a double quote, a line break or spaces at either end is
 * put in double quotes, with its quotes doubled. Null and undefined are empty fields.
 */

export type CsvValue = string | number | bigint | boolean | null | undefined

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The whole text of a CSV file: `columns` as the header, then each row's values of those columns. */
export function csvText(columns: readonly string[], rows: readonly object[]): string {
  const lines = [columns.map(csvField).join(',')]
  for (const row of rows) {
    const values = row as Record<string, CsvValue>
    lines.push(columns.map((column) => csvField(values[column])).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}
