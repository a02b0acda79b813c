/**
 * A round step for the value axis: 1, 2 or 5 times a power of ten, about four of them to the top;
 * at least 1 for counts, which have no halves.
 */
export function niceStep(max: number, wholeNumbers = false): number {
  if (max <= 0) return 1
  const rough = max / 4
  const power = 10 ** Math.floor(Math.log10(rough))
  const multiple = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10
  return wholeNumbers ? Math.max(1, multiple * power) : multiple * power
}
