import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/frontend/parse.js';
import { toPlain, type PMap } from '../../src/frontend/tree.js';
import { fromPlain, mergeLayer, plainWithoutResets } from '../../src/registry/merge.js';

const tree = (text: string): PMap => {
  const parsed = parseCompose(text, 'layer.yaml');
  expect(parsed.diagnostics).toEqual([]);
  return parsed.root!;
};
const merged = (base: string, over: string) => toPlain(mergeLayer(tree(base), tree(over)));

describe('one layer of an app over the layers before it', () => {
  it('merges mappings key by key, at any depth', () => {
    expect(merged('resources: {max: {cpu: "2", memory: 4Gi}}\nenv: {A: a}', 'resources: {max: {cpu: "8"}}\nenv: {B: b}')).toEqual({
      resources: { max: { cpu: '8', memory: '4Gi' } },
      env: { A: 'a', B: 'b' },
    });
  });

  it('replaces scalars and sequences', () => {
    expect(merged('instances: 3\nlist: [a, b]\nprobes: true', 'instances: 1\nlist: [c]')).toEqual({ instances: 1, list: ['c'], probes: true });
  });

  it('replaces a mapping with a scalar and a scalar with a mapping', () => {
    expect(merged('a: {x: 1}\nb: 2', 'a: 5\nb: {y: 1}')).toEqual({ a: 5, b: { y: 1 } });
  });

  it('replaces `compose` whole: it names one source', () => {
    expect(merged('compose: {repository: local, path: a/compose.yaml}', 'compose: {inline: {services: {}}}')).toEqual({ compose: { inline: { services: {} } } });
  });

  it('replaces a mapping tagged !override instead of merging it', () => {
    expect(merged('env: {A: a, B: b}', 'env: !override {C: c}')).toEqual({ env: { C: 'c' } });
  });

  it('removes a key tagged !reset, at any depth, and drops one that has nothing to remove', () => {
    expect(merged('gpu: {resource: x}\nresources: {max: {gpus: 1, cpu: "2"}}', 'gpu: !reset null\nresources: {max: {gpus: !reset 0}}\nidle: !reset\nnew: {a: 1, b: !reset 2}')).toEqual({
      resources: { max: { cpu: '2' } },
      new: { a: 1 },
    });
  });

  it('changes neither layer, and keeps each value at the position of the layer that wrote it', () => {
    const base = tree('env: {A: a}\nprobes: true');
    const over = tree('\nenv: {B: b}');
    const result = mergeLayer(base, over);
    expect(toPlain(base)).toEqual({ env: { A: 'a' }, probes: true });
    expect(toPlain(over)).toEqual({ env: { B: 'b' } });
    const env = result.entries.get('env')!;
    expect([env.keyPos.line, (env.value as PMap).entries.get('A')!.keyPos.line, (env.value as PMap).entries.get('B')!.keyPos.line]).toEqual([2, 1, 2]);
    expect(result.entries.get('probes')!.keyPos).toEqual({ file: 'layer.yaml', line: 2, col: 1 });
  });

  it('builds a layer from plain data, and reads one without its resets', () => {
    const pos = { file: 'built-in', line: 1, col: 1 };
    expect(toPlain(fromPlain({ a: [1, { b: null }], c: 'x' }, pos))).toEqual({ a: [1, { b: null }], c: 'x' });
    expect(plainWithoutResets(tree('a: !reset 1\nb: {c: !reset {}, d: 2}'))).toEqual({ b: { d: 2 } });
  });
});
