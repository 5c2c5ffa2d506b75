import { describe, expect, it } from 'vitest';
import { withSpinner } from './spinner.js';

function fakeStream(): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  return {
    stream: { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream,
    written,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withSpinner', () => {
  it('draws frames on a slow call and clears its line at the end', async () => {
    const { stream, written } = fakeStream();
    const result = await withSpinner('listing', { enabled: true, delayMs: 0, stream }, async () => {
      await pause(250);
      return 42;
    });
    expect(result).toBe(42);
    expect(written.some((text) => text.includes('listing'))).toBe(true);
    expect(written.at(-1)).toMatch(/^\r\s+\r$/);
  });

  it('writes nothing for a call faster than the delay, or when disabled', async () => {
    const fast = fakeStream();
    await withSpinner('x', { enabled: true, delayMs: 200, stream: fast.stream }, async () => 1);
    const off = fakeStream();
    await withSpinner('x', { enabled: false, delayMs: 0, stream: off.stream }, () => pause(120));
    expect([...fast.written, ...off.written]).toEqual([]);
  });
});
