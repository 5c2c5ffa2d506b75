// What a config reload reports as changed (reload-diff.ts) and how it sorts changes into applied and
// needs-restart (reload-config.ts), without a server: the loader is a function returning parsed configs.
import { parseConfig, type ZotConfig } from '@zot-ts/config';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log-sink.js';
import { createConfigReloader } from '../src/reload-config.js';
import { changedSettings, sameSetting } from '../src/reload-diff.js';

function config(http: Record<string, unknown> = {}, storage: Record<string, unknown> = {}): ZotConfig {
  return parseConfig({
    storage: { rootDirectory: '/srv/zot', ...storage },
    http: { address: '127.0.0.1', port: 5000, auth: { htpasswd: { path: '/etc/zot/htpasswd' } }, ...http },
    log: { level: 'info' },
  });
}

const policy = (actions: string[]) => ({
  repositories: { 'prod/**': { policies: [{ users: ['alice'], actions }] } },
});

describe('changedSettings', () => {
  it('lists each changed leaf by its config path, quoting keys that are not identifiers', () => {
    const before = config({}, { subPaths: { '/a': { rootDirectory: '/srv/a' } } });
    const after = config({ port: 6000 }, { subPaths: { '/a': { rootDirectory: '/srv/b' } } });
    expect(changedSettings(before, after)).toEqual(['http.port', 'storage.subPaths["/a"].rootDirectory']);
  });

  it('reports a stop-at path whole, and nothing for equal configs whatever their key order', () => {
    const before = config({ accessControl: policy(['read']) });
    const after = config({ accessControl: policy(['read', 'create']) });
    expect(changedSettings(before, after, new Set(['http.accessControl']))).toEqual(['http.accessControl']);
    expect(sameSetting({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(changedSettings(before, config({ accessControl: policy(['read']) }))).toEqual([]);
  });
});

describe('createConfigReloader', () => {
  const quiet = createLogger({ write: () => undefined, close: async () => undefined }, 'disabled');

  it('hands a changed accessControl to the policy reload and remembers it as running', async () => {
    const swapped: unknown[] = [];
    const next = config({ accessControl: policy(['read']) });
    const reloader = createConfigReloader({
      path: 'config.json',
      running: config({ accessControl: policy(['read', 'create']) }),
      logger: quiet,
      policiesEnforced: true,
      reloadAccessControl: (accessControl) => swapped.push(accessControl),
      load: async () => next,
    });
    expect(await reloader.reload()).toEqual({
      kind: 'applied',
      applied: ['http.accessControl'],
      needsRestart: [],
    });
    expect(swapped).toEqual([next.http.accessControl]);
    expect(reloader.current().http.accessControl).toEqual(next.http.accessControl);
    expect(await reloader.reload()).toEqual({ kind: 'unchanged' });
  });

  it('says policies added to a server started without auth or accessControl need a restart', async () => {
    const swapped: unknown[] = [];
    const reloader = createConfigReloader({
      path: 'config.json',
      running: config({ auth: {} }),
      logger: quiet,
      policiesEnforced: false,
      reloadAccessControl: (accessControl) => swapped.push(accessControl),
      load: async () =>
        config({ auth: {}, accessControl: { repositories: { '**': { anonymousPolicy: ['read'] } } } }),
    });
    expect(await reloader.reload()).toEqual({
      kind: 'applied',
      applied: [],
      needsRestart: ['http.accessControl'],
    });
    expect(swapped).toEqual([]);
  });
});
