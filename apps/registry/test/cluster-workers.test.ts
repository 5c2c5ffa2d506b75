// How many server processes a config asks for (cluster.ts workerCountOf): http.workers, ZOT_WORKERS over it,
// 0 for one per core (at most 4), and the default when neither is set.
import { availableParallelism } from 'node:os';
import { defaultConfig, type ZotConfig } from '@zot-ts/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKERS, MAX_AUTO_WORKERS, workerCountOf } from '../src/cluster.js';

function configWith(workers?: number): ZotConfig {
  const config = defaultConfig();
  return { ...config, http: { ...config.http, ...(workers === undefined ? {} : { workers }) } };
}

describe('workerCountOf', () => {
  it('takes http.workers, the default when unset, and one per core (at most 4) for 0', () => {
    expect(workerCountOf(configWith(), {})).toBe(DEFAULT_WORKERS);
    expect(workerCountOf(configWith(3), {})).toBe(3);
    expect(workerCountOf(configWith(0), {})).toBe(Math.min(availableParallelism(), MAX_AUTO_WORKERS));
  });

  it('lets ZOT_WORKERS override the file, and ignores a value that is not a count', () => {
    expect(workerCountOf(configWith(3), { ZOT_WORKERS: '1' })).toBe(1);
    expect(workerCountOf(configWith(), { ZOT_WORKERS: '2' })).toBe(2);
    expect(workerCountOf(configWith(3), { ZOT_WORKERS: 'many' })).toBe(3);
    expect(workerCountOf(configWith(3), { ZOT_WORKERS: '' })).toBe(3);
  });
});
