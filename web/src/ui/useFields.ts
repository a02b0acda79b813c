import { useState, type Dispatch, type SetStateAction } from 'react'

/** The keys of `T` whose values are text. */
export type TextKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T]

/**
 * A form's values with one setter per text field: `set('iban')` is the `onChange` of the IBAN's
 * TextField. The third element replaces the whole record (a reset, a nested part).
 */
export function useFields<T extends object>(
  initial: T | (() => T),
): [T, (field: TextKeys<T>) => (value: string) => void, Dispatch<SetStateAction<T>>] {
  const [values, setValues] = useState(initial)
  const set = (field: TextKeys<T>) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }))
  }
  return [values, set, setValues]
}
