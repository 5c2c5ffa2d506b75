// End-to-end helpers: a real registry on a free loopback port over a fresh temporary storage root.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, type StartRegistryOptions, startRegistry } from '../src/index.js';

export function sha256(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export interface TestRegistry extends RunningRegistry {
  directory: string;
  /** Stops the server and removes the storage root. */
  dispose(): Promise<void>;
}

/** `config` is merged into a minimal zot config whose storage root is a new temporary directory. */
export async function startTestRegistry(
  config: Record<string, unknown> = {},
  options: Partial<Omit<StartRegistryOptions, 'config'>> = {},
): Promise<TestRegistry> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-e2e-'));
  const { storage, http, log, ...rest } = config as { storage?: object; http?: object; log?: object };
  const parsed = parseConfig({
    ...rest,
    storage: { rootDirectory: join(directory, 'data'), ...storage },
    http: { address: '127.0.0.1', port: 5000, ...http },
    log: { level: 'error', ...log },
  });
  const running = await startRegistry({ config: parsed, port: 0, ...options });
  return {
    ...running,
    directory,
    async dispose() {
      await running.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as {
    errors?: Array<{ code: string; message: string; detail: unknown }>;
  };
  return body.errors?.[0]?.code;
}

/** Polls `probe` every 50 ms until it gives a value, or throws after `ms`. */
export async function until<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
