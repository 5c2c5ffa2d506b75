import { describe, expect, it } from 'vitest';
import { createFairLimiter, LimiterBusyError } from '../src/fair-limiter.js';

/** A task that finishes when the test says so, recording the order tasks started in. */
function gate(started: string[], name: string) {
  let open: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    open: () => open(),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FairLimiter', () => {
  it('gives another source the next turn however long the first source queue is', async () => {
    const started: string[] = [];
    const limiter = createFairLimiter({ concurrency: 1, maxQueuedPerSource: 100 });
    const gates = Array.from({ length: 10 }, (_, i) => gate(started, `flood-${i}`));
    const flood = gates.map((g) => limiter.run('10.0.0.66', 'erin', g.task));
    const user = gate(started, 'user');
    const login = limiter.run('10.0.0.1', 'erin', user.task);
    gates[0]?.open();
    await tick();
    expect(started).toEqual(['flood-0', 'user']);
    user.open();
    for (const g of gates) g.open();
    await Promise.all([login, ...flood]);
  });

  it('lets one source use every worker while nobody else waits, and hands the next free one to a newcomer', async () => {
    const started: string[] = [];
    const limiter = createFairLimiter({ concurrency: 2, maxQueuedPerSource: 100 });
    const gates = Array.from({ length: 4 }, (_, i) => gate(started, `a-${i}`));
    const runs = gates.map((g) => limiter.run('a', 'user', g.task));
    await tick();
    expect(started).toEqual(['a-0', 'a-1']);
    const other = gate(started, 'b');
    runs.push(limiter.run('b', 'user', other.task));
    gates[0]?.open();
    await tick();
    await tick();
    expect(started).toEqual(['a-0', 'a-1', 'b']);
    other.open();
    for (const g of gates) g.open();
    await Promise.all(runs);
  });

  it('refuses the oldest waiting job of a full source, never the newcomer', async () => {
    const started: string[] = [];
    const limiter = createFairLimiter({ concurrency: 1, maxQueuedPerSource: 2 });
    const running = gate(started, 'running');
    const first = limiter.run('s', 'erin', running.task);
    const waiting = [gate(started, 'w1'), gate(started, 'w2'), gate(started, 'newest')];
    const outcomes = waiting.map((g) => limiter.run('s', 'erin', g.task).catch((error: unknown) => error));
    expect(await outcomes[0]).toBeInstanceOf(LimiterBusyError);
    running.open();
    for (const g of waiting) g.open();
    expect(await Promise.all([first, outcomes[1], outcomes[2]])).toEqual(['running', 'w2', 'newest']);
  });
});
