import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/frontend/parse.js';
import { appLayers } from '../../src/registry/contexts.js';
import { COMPOSE, loadFiles } from './registry-files.js';

/** `context:app` for each app layer of `context`, in merge order. */
function layers(yaml: string, context: string): string[] {
  return appLayers(parseCompose(yaml, 'apps.yaml').root!, context).map((l) => `${l.context}:${l.entry.key}`);
}

describe('contexts', () => {
  it('reports contexts that extends or mixin name but the registry lacks, at the item', async () => {
    const { messages, registry } = await loadFiles({
      'apps.yaml': ['contexts:', '  common: {}', '  research:', '    extends: [comon]', '    mixin: [gpu]', ''].join('\n'),
    });
    expect(registry).toBeUndefined();
    expect(messages).toEqual([
      'apps.yaml:4:15 error TYC0802 context `research` extends `comon`, which is not a context; did you mean `common`?',
      'apps.yaml:5:13 error TYC0802 context `research` mixes in `gpu`, which is not a context',
    ]);
  });

  it('reports each cycle of extends and mixin once, at the item that closes it', async () => {
    const { messages } = await loadFiles({
      'apps.yaml': [
        'contexts:',
        '  self: {extends: [self]}',
        '  a: {extends: [b]}',
        '  b: {extends: [c]}',
        '  c: {mixin: [a]}',
        '  d: {extends: [a]}',
        '',
      ].join('\n'),
    });
    expect(messages).toEqual([
      'apps.yaml:2:20 error TYC0803 contexts extend or mix in each other in a cycle: self → self',
      'apps.yaml:5:15 error TYC0803 contexts extend or mix in each other in a cycle: a → b → c → a',
    ]);
  });

  it('orders layers: what a context extends (depth first, each context once), its mixins, its own apps', () => {
    const yaml = [
      'contexts:',
      '  base: {apps: {x: {}}}',
      '  left: {extends: [base], apps: {x: {}, l: {}}}',
      '  right: {extends: [base], apps: {x: {}, r: {}}}',
      '  extra: {extends: [base], mixin: [more], apps: {x: {}, e: {}}}',
      '  more: {apps: {m: {}}}',
      '  top: {extends: [left, right], mixin: [extra], apps: {x: {}}}',
      '',
    ].join('\n');
    // `base` once, though both sides extend it, so that `right` cannot undo what `left` changed;
    // `extra` brings its own apps and its mixin's, not what it extends.
    expect(layers(yaml, 'top')).toEqual(['base:x', 'left:x', 'left:l', 'right:x', 'right:r', 'more:m', 'extra:x', 'extra:e', 'top:x']);
    expect(layers(yaml, 'extra')).toEqual(['base:x', 'more:m', 'extra:x', 'extra:e']);
  });

  it('names each context for users, and loads one with no apps', async () => {
    const { registry, messages } = await loadFiles({ 'apps.yaml': 'contexts:\n  common: {name: Common apps, apps: {web: {compose: {path: c.yaml}}}}\n  empty: {}\n', 'c.yaml': COMPOSE });
    expect(messages).toEqual([]);
    expect([registry!.contexts, registry!.contextNames, registry!.defaultContext]).toEqual([['common', 'empty'], { common: 'Common apps', empty: 'empty' }, 'common']);
  });
});
