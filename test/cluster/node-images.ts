import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { packagePath } from '../../src/package-path.js';

/** Builds the test images into the cache; it is also the single source of their references. */
export const IMAGES_SCRIPT = packagePath('scripts', 'node-images.mjs');

/** The built image archive and its index ({reference: manifest digest}). */
export async function locateImages(): Promise<{ archive: string; index: Record<string, string> }> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [IMAGES_SCRIPT, '--paths']));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`the real node's test images are not built; build them with:\n  node ${IMAGES_SCRIPT}\n${e.stderr ?? e.message}`);
  }
  const paths = new Map(stdout.trim().split('\n').map((line) => line.split('\t') as [string, string]));
  return { archive: paths.get('archive')!, index: JSON.parse(readFileSync(paths.get('index')!, 'utf8')) };
}

/** `ctr` against one containerd. */
export type Ctr = (...args: string[]) => Promise<{ stdout: string }>;

/** Imports the test images unless containerd already has every one at its digest; returns the references. */
export async function importImages(ctr: Ctr): Promise<string[]> {
  const { archive, index } = await locateImages();
  await importArchive(ctr, archive, index);
  return Object.keys(index).sort();
}

/** Imports an archive unless containerd already has every image of its index ({reference: manifest digest}). */
export async function importArchive(ctr: Ctr, archive: string, index: Record<string, string>): Promise<void> {
  const present = await containerdImages(ctr);
  if (Object.entries(index).some(([ref, digest]) => present.get(ref) !== digest)) await ctr('images', 'import', archive);
}

/** The images containerd has: manifest digest by reference. */
export async function containerdImages(ctr: Ctr): Promise<Map<string, string>> {
  return new Map(
    (await ctr('images', 'list')).stdout.split('\n').slice(1).filter(Boolean).map((line) => {
      const [ref, , digest] = line.split(/\s+/);
      return [ref, digest] as [string, string];
    }),
  );
}
