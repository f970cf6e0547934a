import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../emit/chart.js';

/** Input that is not a set of Kubernetes objects; `message` names the file. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/**
 * The objects in a directory written by `tychoc compile -o` (every .yaml, .yml and .json file but
 * the kustomization), in one YAML/JSON file, or in text read from standard input (`-`).
 */
export function readManifests(source: string, readStdin: () => string): Manifest[] {
  if (source === '-') return parseObjects(readStdin(), 'standard input');
  let files: string[];
  try {
    files = statSync(source).isDirectory()
      ? readdirSync(source).filter((f) => /\.(ya?ml|json)$/.test(f) && !/^kustomization\.ya?ml$/.test(f)).sort().map((f) => join(source, f))
      : [source];
  } catch (e) {
    throw new ManifestError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  const manifests = files.flatMap((f) => parseObjects(readFileSync(f, 'utf8'), f));
  if (manifests.length === 0) throw new ManifestError(`${source} holds no Kubernetes objects`);
  return manifests;
}

function parseObjects(text: string, where: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestError(`${where}: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = isObject(value) && value['kind'] === 'List' && Array.isArray(value['items']) ? value['items'] : [value];
    for (const item of items) {
      const metadata = isObject(item) ? item['metadata'] : undefined;
      if (!isObject(item) || typeof item['apiVersion'] !== 'string' || typeof item['kind'] !== 'string' || !isObject(metadata) || typeof metadata['name'] !== 'string') {
        throw new ManifestError(`${where}: every object needs apiVersion, kind and metadata.name`);
      }
      out.push(item as Manifest);
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
