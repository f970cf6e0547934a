import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packagePath } from '../../src/package-path.js';
import { containerdImages, importArchive, type Ctr } from './node-images.js';

/** Builds the image of `tychoc serve` from the built checkout, one archive per packed package. */
export const SERVE_IMAGE_SCRIPT = packagePath('scripts', 'serve-image.mjs');

/** The image of `tychoc serve` that deploy/serve/compose.yaml runs. */
export interface ServeImage {
  readonly reference: string;
  readonly digest: string;
  readonly archive: string;
}

/**
 * The image of the checkout as built now (`npm run build`): the script packs it and builds what
 * its cache lacks, so a changed package is a new image. The first run builds the Debian layer, about a minute.
 */
export async function buildServeImage(): Promise<ServeImage> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [SERVE_IMAGE_SCRIPT], { timeout: 600_000 }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building the image of tychoc serve failed (node ${SERVE_IMAGE_SCRIPT}):\n${e.stderr || e.message}`);
  }
  const lines = new Map(stdout.trim().split('\n').map((line) => line.split('\t') as [string, string]));
  const [reference, digest, archive] = ['reference', 'digest', 'archive'].map((k) => lines.get(k));
  if (!reference || !digest || !archive) throw new Error(`node ${SERVE_IMAGE_SCRIPT} built no image:\n${stdout}`);
  return { reference, digest, archive };
}

/**
 * Imports the image into a node's containerd, whose store outlives the node. Earlier images of the
 * server are removed after, not before: their layers of Debian and dependencies, shared with this
 * one, stay unpacked, and the store does not grow by an image with every source change.
 */
export async function importServeImage(ctr: Ctr, image: ServeImage): Promise<void> {
  await importArchive(ctr, image.archive, { [image.reference]: image.digest });
  const repository = image.reference.slice(0, image.reference.lastIndexOf(':') + 1);
  const earlier = [...(await containerdImages(ctr)).keys()].filter((ref) => ref.startsWith(repository) && ref !== image.reference);
  if (earlier.length > 0) await ctr('images', 'remove', ...earlier);
}
