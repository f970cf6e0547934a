import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';

// Only systems with proxy_rewrite render templates; the others never load Handlebars.
const require = createRequire(import.meta.url);

/** Values a proxy template may use; every one is always defined, possibly as the empty string. */
export type TemplateVars = Readonly<Record<string, string | number>>;

/**
 * A Handlebars template rendered with `vars`, or the reason it cannot be, on one line. Output is
 * YAML or a URL path, not HTML, so nothing is HTML-escaped; strict mode turns a misspelled
 * variable into an error instead of an empty string.
 */
export function renderTemplate(source: string, vars: TemplateVars): { text: string } | { error: string } {
  try {
    // An environment of its own: helpers or partials registered elsewhere never leak in.
    const Handlebars = require('handlebars') as typeof HandlebarsModule;
    return { text: Handlebars.create().compile(source, { noEscape: true, strict: true })(vars) };
  } catch (e) {
    return { error: explain(e instanceof Error ? e.message : String(e)) };
  }
}

/** Handlebars' messages span lines and name internals; keep what a template author can act on. */
function explain(message: string): string {
  const unknown = /^"([^"]+)" not defined in .* - (\d+):\d+$/.exec(message);
  if (unknown) return `\`${unknown[1]}\` is not a template variable (line ${unknown[2]})`;
  const lines = message.split('\n');
  if (lines[0]!.startsWith('Parse error') && lines.length > 1) return `${lines[0]} ${lines.at(-1)!.replace(/^Expecting/, 'expecting')}`;
  return lines.join(' ');
}

/** `/a//b` → `/a/b/`: an empty variable must not leave a double slash, and a prefix names a directory. */
export function asDirectory(path: string): string {
  return `/${path.trim()}/`.replace(/\/{2,}/g, '/');
}
