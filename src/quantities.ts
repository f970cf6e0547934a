/** Kubernetes quantity suffixes and what they multiply by. */
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** A Kubernetes quantity (`3500m`, `32Gi`, `1e9`) in units of `unit`, rounded up as the API server rounds; undefined if it is none. */
function scaled(q: string | number, unit: number): number | undefined {
  if (typeof q === 'number') return q >= 0 ? roundUp(q / unit) : undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const factor = m[3] !== undefined ? 10 ** Number(m[3]) : SUFFIX[m[2] ?? '']!;
  return roundUp((Number(m[1]) * factor) / unit);
}

/** Up to a whole number, but not for a float's noise: 0.1 CPU is 100 millicores, not 101. */
function roundUp(v: number): number {
  const near = Math.round(v);
  return Math.abs(v - near) < 1e-6 ? near : Math.ceil(v);
}

/** Millicores in a CPU quantity (`4`, `3500m`, `1.5`). */
export function millicores(q: string | number): number | undefined {
  return scaled(q, 1e-3);
}

/** Bytes in a memory quantity (`32Gi`, `512M`, `16318056Ki`, `1073741824`). */
export function quantityBytes(q: string | number): number | undefined {
  return scaled(q, 1);
}

/** CPUs in a CPU quantity (`500m` → 0.5), or undefined if it is none. */
export function cpus(q: string | number): number | undefined {
  const m = millicores(q);
  return m === undefined ? undefined : m / 1000;
}

/** Millicores as CPUs, the way a table shows them (`3500` → `3.5`). */
export function cpuText(millis: number): string {
  return String(millis / 1000);
}
