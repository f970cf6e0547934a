/** Kubernetes quantity suffixes and what they multiply by. */
const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** CPUs in a quantity (`500m`, `2`, `1.5`), or undefined if it is none. */
export function cpus(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  return m ? Number(m[1]) * SUFFIX[m[2]!]! : undefined;
}

/** Bytes in a memory quantity (`512Mi`, `2G`, `1073741824`), or undefined if it is none. */
export function bytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  return m ? Math.trunc(Number(m[1]) * SUFFIX[m[2] ?? '']!) : undefined;
}
