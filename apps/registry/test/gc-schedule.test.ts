// The GC schedule on its own: passes never overlap, the next one follows gcInterval after the previous
// ends, interval 0 runs once (zot's non-periodic generator), and close aborts a running pass and waits for it.
import { describe, expect, it } from 'vitest';
import { createPassSchedule } from '../src/features/gc-schedule.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createPassSchedule', () => {
  it('runs the first pass at start, then every interval after the previous pass ends, never two at once', async () => {
    let active = 0;
    let maxActive = 0;
    const starts: number[] = [];
    const schedule = createPassSchedule({
      intervalMs: 20,
      async run() {
        starts.push(performance.now());
        active += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(30); // longer than the interval: a timer-driven scheduler would overlap
        active -= 1;
      },
      onError: (error) => {
        throw error;
      },
    });
    schedule.start();
    // a manual run while the scheduled one runs joins it
    await sleep(5);
    await schedule.runNow();
    await sleep(150);
    await schedule.close();
    expect(maxActive).toBe(1);
    expect(schedule.passes).toBeGreaterThanOrEqual(3);
    for (let index = 1; index < starts.length; index++)
      expect((starts[index] as number) - (starts[index - 1] as number)).toBeGreaterThanOrEqual(45);
  });

  it('runs a single pass when the interval is 0', async () => {
    let runs = 0;
    const schedule = createPassSchedule({
      intervalMs: 0,
      run: async () => {
        runs += 1;
      },
      onError: () => {},
    });
    schedule.start();
    await sleep(40);
    await schedule.close();
    expect(runs).toBe(1);
  });

  it('close aborts the running pass through its signal, waits for it, and reports no error for the abort', async () => {
    const errors: unknown[] = [];
    let finished = false;
    const schedule = createPassSchedule({
      intervalMs: 10,
      async run(signal) {
        // a pass that only ends when aborted, a little after the abort (as a real pass finishes its step)
        await new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => setTimeout(() => reject(signal.reason), 10));
        });
        finished = true;
      },
      onError: (error) => errors.push(error),
    });
    schedule.start();
    await sleep(5);
    await schedule.close();
    expect(finished).toBe(false);
    expect(errors).toEqual([]);
    expect(schedule.passes).toBe(1);
    // no pass after close
    await sleep(30);
    expect(schedule.passes).toBe(1);
  });

  it('reports a failed pass and keeps the schedule going', async () => {
    const errors: string[] = [];
    let runs = 0;
    const schedule = createPassSchedule({
      intervalMs: 5,
      async run() {
        runs += 1;
        if (runs === 1) throw new Error('disk on fire');
      },
      onError: (error) => errors.push((error as Error).message),
    });
    schedule.start();
    await schedule.nextPass();
    await schedule.nextPass();
    await schedule.close();
    expect(errors).toEqual(['disk on fire']);
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
