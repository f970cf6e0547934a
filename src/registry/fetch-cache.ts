import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A fetched file: its text (`stale` says why an old cached copy stands in), or why there is none. */
export type Fetched = { readonly text: string; readonly stale?: string } | { readonly error: string };

export interface CacheOptions {
  /** The directory copies are kept in, one file per URL. */
  readonly dir: string;
  /** How long a copy is used before the URL is fetched again; 0 fetches every time. */
  readonly maxAgeSeconds: number;
  readonly fetch: typeof fetch;
  /** The time, in milliseconds since the epoch. */
  readonly now: number;
}

/** A server that accepts the connection but never answers must not hold a load forever. */
const FETCH_TIMEOUT_MS = 15_000;

interface CachedCopy {
  readonly url: string;
  readonly fetchedAt: number;
  readonly text: string;
}

/**
 * The text at `url`: a cached copy younger than `maxAgeSeconds`, else fetched (and cached), else,
 * when the fetch fails, an older cached copy, marked stale, so that a registry keeps working while
 * its server is down.
 */
export async function fetchCached(url: string, opts: CacheOptions): Promise<Fetched> {
  const file = join(opts.dir, `${createHash('sha256').update(url).digest('hex').slice(0, 40)}.json`);
  const cached = await readCopy(file, url);
  if (cached && opts.now - cached.fetchedAt < opts.maxAgeSeconds * 1000) return { text: cached.text };
  const got = await download(url, opts.fetch);
  if ('error' in got) return cached ? { text: cached.text, stale: `${got.error}; using the copy fetched ${ago(opts.now - cached.fetchedAt)} ago` } : got;
  await writeCopy(file, { url, fetchedAt: opts.now, text: got.text });
  return got;
}

async function download(url: string, fetchFn: typeof fetch): Promise<{ text: string } | { error: string }> {
  try {
    const res = await fetchFn(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel();
      return { error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` };
    }
    return { text: await res.text() };
  } catch (e) {
    // undici says "fetch failed" and keeps the reason (connection refused, DNS) in `cause`.
    const cause = (e as { cause?: unknown }).cause;
    return { error: cause instanceof Error ? cause.message : (e as Error).message };
  }
}

async function readCopy(file: string, url: string): Promise<CachedCopy | undefined> {
  try {
    const copy = JSON.parse(await readFile(file, 'utf8')) as Partial<CachedCopy>;
    return copy.url === url && typeof copy.fetchedAt === 'number' && typeof copy.text === 'string' ? (copy as CachedCopy) : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place, so that concurrent loads never read half a copy; a cache that cannot be written is only a cache. */
async function writeCopy(file: string, copy: CachedCopy): Promise<void> {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(temp, JSON.stringify(copy));
    await rename(temp, file);
  } catch {
    // Fetched again next time.
  }
}

/** `45s`, `12m`, `3h`, `2d`: how old a copy is, at the precision anyone acts on. */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
