import { describe, expect, it } from 'vitest';
import { createPullBatcher, type PullBatch } from '../src/index.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const plain = (batch: PullBatch) =>
  Object.fromEntries([...batch].map(([repository, refs]) => [repository, Object.fromEntries(refs)]));

describe('createPullBatcher', () => {
  it('counts pulls that arrive within settleMs in one batch, per repository and reference, latest time kept', async () => {
    const batches: PullBatch[] = [];
    const batcher = createPullBatcher({ settleMs: 20, write: async (batch) => void batches.push(batch) });
    const done = [
      batcher.add('a', 'v1', at(1)),
      batcher.add('a', 'v1', at(3)),
      batcher.add('a', 'sha256:x', at(2)),
      batcher.add('b', 'v1', at(4)),
    ];
    expect(batches).toHaveLength(0);
    await Promise.all(done);
    expect(batches.map(plain)).toEqual([
      {
        a: { v1: { count: 2, at: at(3) }, 'sha256:x': { count: 1, at: at(2) } },
        b: { v1: { count: 1, at: at(4) } },
      },
    ]);
    await batcher.add('a', 'v1', at(5));
    expect(batches).toHaveLength(2);
  });

  it('writes synchronously on flush, so a write issued right after it comes second', async () => {
    const order: string[] = [];
    const batcher = createPullBatcher({ settleMs: 10_000, write: async () => void order.push('pulls') });
    const pulled = batcher.add('a', 'v1', at(1));
    const flushed = batcher.flush();
    order.push('push');
    await Promise.all([pulled, flushed]);
    expect(order).toEqual(['pulls', 'push']);
    await batcher.flush(); // nothing pending: resolves at once
    expect(order).toEqual(['pulls', 'push']);
  });

  it('writes each pull at once with settleMs 0, and passes a failed write to its callers', async () => {
    let calls = 0;
    const batcher = createPullBatcher({
      settleMs: 0,
      write: async () => {
        calls++;
        if (calls === 2) throw new Error('disk full');
      },
    });
    await batcher.add('a', 'v1', at(1));
    await expect(batcher.add('a', 'v1', at(2))).rejects.toThrow('disk full');
    await batcher.add('a', 'v1', at(3));
    expect(calls).toBe(3);
  });
});
