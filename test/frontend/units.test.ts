import { describe, expect, it } from 'vitest';
import { parseBytes, parseDuration } from '../../src/frontend/units.js';

describe('parseDuration: Go durations as compose writes them, in seconds', () => {
  it.each([
    // Examples from the compose specification (healthcheck, stop_grace_period) and Go's time package.
    ['1m30s', 90],
    ['1h2m3s', 3723],
    ['500ms', 0.5],
    ['10s', 10],
    ['2h', 7200],
    ['1h30m', 5400],
    ['2h46m40s', 10_000],
    ['1.5s', 1.5],
    ['1.5h', 5400],
    ['0.5m', 30],
    ['700ms', 0.7], // summed in nanoseconds: no 0.7000000000000001
    ['1s500ms', 1.5],
    ['100us', 0.0001],
    ['100µs', 0.0001],
    ['1ns', 1e-9],
    ['1h1h', 7200], // Go adds repeated units
    ['0s', 0],
    ['.5s', 0.5], // Go's time.ParseDuration accepts a bare fraction
    ['5.s', 5],
    [' 5s ', 5], // YAML plain scalars are trimmed already; quoted ones are too
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    ['10', 10],
    ['0', 0],
    ['1.5', 1.5],
    ['90', 90],
  ])('a bare number %j is seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([[90], [0.5], [0]])('a YAML number %d is already seconds', (n) => {
    expect(parseDuration(n)).toBe(n);
  });

  it.each(['', 's', 'abc', '10x', '1d', '10S', '1M', '1m 30s', '-1s', '+5s', '1m30', 's10', '1..5s', 'P1D'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const PiB = 1024 * TiB;

describe('parseBytes: docker byte sizes (go-units RAMInBytes), binary units', () => {
  it.each([
    // Compose-file values.
    ['512m', 512 * MiB],
    ['2g', 2 * GiB],
    ['1.5g', 1.5 * GiB],
    ['100k', 100 * KiB],
    ['1024b', 1024],
    ['1024', 1024],
    ['0', 0],
    ['64M', 64 * MiB],
    ['1G', GiB],
    ['1t', TiB],
    ['10B', 10],
    ['2gib', 2 * GiB],
    ['1MB', MiB], // docker reads MB as MiB too
    ['0.5k', 512],
    ['.5k', 512],
    ['512 m', 512 * MiB], // one space between number and unit
    // go-units size_test.go TestRAMInBytes.
    ['32', 32],
    ['32b', 32],
    ['32B', 32],
    ['32k', 32 * KiB],
    ['32K', 32 * KiB],
    ['32kb', 32 * KiB],
    ['32Kb', 32 * KiB],
    ['32Kib', 32 * KiB],
    ['32KIB', 32 * KiB],
    ['32Mb', 32 * MiB],
    ['32Gb', 32 * GiB],
    ['32Tb', 32 * TiB],
    ['32Pb', 32 * PiB],
    ['32PB', 32 * PiB],
    ['32P', 32 * PiB],
    ['32.3', 32], // fractions of a byte are truncated, not rounded
    ['32.3 mb', Math.trunc(32.3 * MiB)],
    ['0.3MB', Math.trunc(0.3 * MiB)],
    ['1.5', 1],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it('exact values for the truncating cases', () => {
    expect(parseBytes('32.3 mb')).toBe(33_869_004);
    expect(parseBytes('0.3MB')).toBe(314_572);
  });

  it.each([[1024], [0], [536870912]])('a YAML number %d is already bytes', (n) => {
    expect(parseBytes(n)).toBe(n);
  });

  // From go-units TestRAMInBytes's errors, plus malformed units.
  it.each(['', 'hello', '-32', '32m b', '32bm', '1e', '1ib', '1kbb', '512  m', 'm', '1.2.3m', '2 gigs'])('%j is not a byte size', (text) => {
    expect(parseBytes(text)).toBeUndefined();
  });
});
