const DURATION_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MEMORY_UNIT: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** Milliseconds in a registry duration (`90s`, `30m`, `8h`, `2d`, `1h30m`), as the schema admits them. */
export function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * DURATION_UNIT_MS[unit!]!;
  return ms;
}

/** Millicores in a CPU quantity (`2`, `0.5`, `500m`), as the schema admits them. */
export function cpuMillicores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

/** Bytes in a memory quantity (`512Mi`, `8Gi`, `1G`, `1073741824`), as the schema admits them. */
export function memoryBytes(quantity: string): number {
  const [, n, unit] = /^([0-9.]+)(.*)$/.exec(quantity)!;
  return Number(n) * MEMORY_UNIT[unit!]!;
}
