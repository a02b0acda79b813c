import { AppError, type FieldErrors } from '../../platform/errors.ts'

/** The bad rows of a payments file so far, by line. */
export class ImportErrors {
  private readonly byLine = new Map<number, FieldErrors>()

  add(line: number, errors: FieldErrors): this {
    const known = this.byLine.get(line) ?? {}
    for (const [field, messages] of Object.entries(errors)) (known[field] ??= []).push(...messages)
    this.byLine.set(line, known)
    return this
  }

  get size(): number {
    return this.byLine.size
  }

  /** One 400 naming every bad row: the key of each message is `line <n>.<field>`. */
  toError(): AppError {
    const errors: FieldErrors = {}
    for (const line of [...this.byLine.keys()].sort((a, b) => a - b)) {
      for (const [field, messages] of Object.entries(this.byLine.get(line) ?? {})) {
        errors[`line ${line}.${field}`] = messages
      }
    }
    const rows = this.byLine.size === 1 ? '1 row has' : `${this.byLine.size} rows have`
    return new AppError('invalid', 'validation_failed', `${rows} errors; nothing was imported.`, {
      fieldErrors: errors,
    })
  }
}
