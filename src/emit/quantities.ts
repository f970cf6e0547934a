const UNITS: readonly [string, number][] = [['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]];

/** Bytes as the largest binary unit that divides them exactly (`536870912` → `512Mi`). */
export function memoryQuantity(bytes: number): string {
  for (const [unit, size] of UNITS) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

/** Millicores as whole CPUs where exact (`2000` → `2`), else millicores (`500m`). */
export function cpuQuantity(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}
