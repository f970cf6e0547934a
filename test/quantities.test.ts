import { describe, expect, it } from 'vitest';
import { cpuText, millicores, quantityBytes } from '../src/quantities.js';

describe('Kubernetes quantities', () => {
  it('CPUs in millicores, rounded up as the API server does', () => {
    expect([4, '4', '3500m', '1.5', '0.1', '.5', '250000u', '1e3', '100n', 0].map(millicores)).toEqual([4000, 4000, 3500, 1500, 100, 500, 250, 1000000, 1, 0]);
    expect(['four', '-1', '1Ki ', '1 m', ''].map(millicores)).toEqual([undefined, undefined, 1024000, undefined, undefined]);
    expect(millicores(-1)).toBeUndefined();
  });

  it('memory in bytes, binary and decimal units', () => {
    expect(['32Gi', '512M', '16318056Ki', '1073741824', '1.5Gi', '2e9', '1k', 2048].map(quantityBytes)).toEqual([
      32 * 2 ** 30, 512e6, 16318056 * 1024, 2 ** 30, 1.5 * 2 ** 30, 2e9, 1000, 2048,
    ]);
    expect(['8GB', '1.5.0', 'Gi'].map(quantityBytes)).toEqual([undefined, undefined, undefined]);
  });

  it('millicores as CPUs', () => {
    expect([8000, 3500, 250, 0].map(cpuText)).toEqual(['8', '3.5', '0.25', '0']);
  });
});
