/**
 * Small statistics for paired rounds: medians and spreads. On a shared
 * machine a single figure means little; a difference measured in the same
 * round, many times, with its spread, does.
 */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** `median (lowest..highest)` of `values`, each written by `format`. */
export function spread(values: readonly number[], format: (v: number) => string): string {
  return `${format(median(values))} (${format(Math.min(...values))}..${format(Math.max(...values))})`;
}

/** `median [first quartile..third quartile] (lowest..highest)`: the middle half of the rounds and all of them. */
export function quartiles(values: readonly number[], format: (v: number) => string): string {
  return (
    `${format(median(values))} [${format(quantile(values, 0.25))}..${format(quantile(values, 0.75))}] ` +
    `(${format(Math.min(...values))}..${format(Math.max(...values))})`
  );
}
