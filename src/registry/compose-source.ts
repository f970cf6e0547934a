import { Codes } from '../frontend/codes.js';
import { closest } from '../frontend/suggest.js';
import { child, type PNode } from '../frontend/tree.js';
import { directoryOf, inside, locate, type Location } from './sources.js';

/** Where an app's compose file is: a mapping in apps.yaml, or a file somewhere. */
export type ComposeSource = { readonly inline: PNode } | { readonly file: Location };

export interface ComposeProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * The file a (schema-valid) `compose:` value names: `{repository, path}` inside that repository's
 * directory, `{path}` from apps.yaml's directory, or `{inline}` itself.
 */
export function composeSource(compose: PNode, registry: Location, repositories: ReadonlyMap<string, Location>): ComposeSource | ComposeProblem {
  const inline = child(compose, 'inline');
  if (inline) return { inline };
  const path = String(scalar(child(compose, 'path')));
  const repository = scalar(child(compose, 'repository'));
  if (repository === undefined) {
    const file = locate(path, directoryOf(registry));
    return 'error' in file ? { code: Codes.invalidRegistry, message: `compose path ${file.error}` } : { file };
  }
  const dir = repositories.get(String(repository));
  if (!dir) {
    const hint = closest(String(repository), [...repositories.keys()]);
    const known = repositories.size > 0 ? `; repositories: ${[...repositories.keys()].join(', ')}` : '; the registry defines none';
    return { code: Codes.unknownRepository, message: `\`${repository}\` is not a repository${hint ? `, did you mean \`${hint}\`?` : known}` };
  }
  const file = inside(dir, path);
  return file ? { file } : { code: Codes.invalidRegistry, message: `compose path ${JSON.stringify(path)} leaves repository \`${repository}\`: give a path inside it, without '..' or a leading '/'` };
}

const scalar = (node: PNode | undefined) => (node?.kind === 'scalar' ? (node.value ?? undefined) : undefined);
