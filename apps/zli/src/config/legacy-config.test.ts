import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planLegacyConfig } from './legacy-config.js';
import { createProfileStore, type ProfileStore } from './profile-store.js';

describe('planLegacyConfig', () => {
  let dir: string;
  let store: ProfileStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zli-legacy-'));
    store = createProfileStore(join(dir, 'zot'));
    await store.add('main', 'http://a');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(
    args: string[],
    list = false,
    reset = false,
  ): Promise<{ warning: string; stdout: string }> {
    const plan = planLegacyConfig({ args, list, reset });
    if (plan === undefined) throw new Error('no plan');
    return { warning: plan.warning, stdout: await plan.run(store) };
  }

  it('`config --list` lists profiles and points to `config list`', async () => {
    const outcome = await run([], true);
    expect(outcome.stdout).toBe('main  http://a\n');
    expect(outcome.warning).toBe(
      'Warning: deprecated invocation `zli config --list`; use `zli config list` instead.\n',
    );
  });

  it('`config <name> --list` shows the profile and points to `config show`', async () => {
    const outcome = await run(['main'], true);
    expect(outcome.stdout).toContain('url = http://a');
    expect(outcome.warning).toContain('use `zli config show <name>`');
  });

  it('`config <name> <key>` prints the value and points to `config get`', async () => {
    const outcome = await run(['main', 'url']);
    expect(outcome.stdout).toBe('http://a\n');
    expect(outcome.warning).toContain('use `zli config get <name> <key>`');
  });

  it('`config <name> <key> <value>` sets the value and points to `config set`', async () => {
    const outcome = await run(['main', 'showspinner', 'false']);
    expect(outcome.stdout).toBe('');
    expect(outcome.warning).toContain('use `zli config set <name> <key> <value>`');
    expect(await store.get('main', 'showspinner')).toBe('false');
  });

  it('`config <name> <key> --reset` resets the value and points to `config reset`', async () => {
    await store.set('main', 'verify-tls', 'false');
    const outcome = await run(['main', 'verify-tls'], false, true);
    expect(outcome.warning).toContain('use `zli config reset <name> <key>`');
    expect(await store.get('main', 'verify-tls')).toBe('true');
  });

  it('matches no form for arguments zot rejects, so usage is printed', () => {
    expect(planLegacyConfig({ args: [], list: false, reset: false })).toBeUndefined();
    expect(planLegacyConfig({ args: ['main'], list: false, reset: false })).toBeUndefined();
    expect(planLegacyConfig({ args: ['a', 'b', 'c', 'd'], list: false, reset: false })).toBeUndefined();
    expect(planLegacyConfig({ args: ['main', 'url'], list: true, reset: true })).toBeUndefined();
  });
});
