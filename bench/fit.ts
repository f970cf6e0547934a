/**
 * The exponent k of growth above the smallest size, y − y₀ ≈ c·(n − n₀)^k, by least squares on
 * the logs. Fitting the growth rather than y itself matters: a cold CLI pays a fixed start-up
 * that would pull k towards 0 and make any curve look "better than linear". Points whose growth
 * is not positive (noise at small sizes) are left out; NaN when fewer than two remain.
 */
export function growthExponent(points: readonly (readonly [n: number, y: number])[]): number {
  const sorted = [...points].filter(([, y]) => !Number.isNaN(y)).sort((a, b) => a[0] - b[0]);
  const [first, ...rest] = sorted;
  if (!first) return NaN;
  const logs = rest.filter(([, y]) => y - first[1] > 0).map(([n, y]) => [Math.log(n - first[0]), Math.log(y - first[1])] as const);
  if (logs.length < 2) return NaN;
  const mx = logs.reduce((s, [x]) => s + x, 0) / logs.length;
  const my = logs.reduce((s, [, y]) => s + y, 0) / logs.length;
  const sxy = logs.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = logs.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}
