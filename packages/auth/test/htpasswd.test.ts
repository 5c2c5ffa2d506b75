import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordVerifier, loadHtpasswd, parseHtpasswd } from '../src/index.js';
import { htpasswdFile, temporaryDirectory } from './helpers.js';

const verifier = createPasswordVerifier({ workers: 1, cacheTtlMs: 0 });
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await temporaryDirectory();
});
afterAll(async () => {
  await verifier.close();
  await dir.remove();
});

describe('parseHtpasswd', () => {
  it('keeps bcrypt entries and skips comments, blanks and other hash kinds', () => {
    const bcrypt = `$2y$05$${'a'.repeat(53)}`;
    const users = parseHtpasswd(`# comment\n\nalice:${bcrypt}\nbob:$apr1$xyz$abc\ncarol:{SHA}abc=\n`);
    expect([...users.keys()]).toEqual(['alice']);
  });
});

describe('loadHtpasswd', () => {
  it('accepts the right password from a file written by htpasswd -B and refuses a wrong one', async () => {
    const path = join(dir.path, 'basic');
    htpasswdFile(path, { alice: 'wonderland', bob: 'builder' });
    const file = await loadHtpasswd({ path, verifier, watch: false });
    expect(await file.verify('alice', 'wonderland')).toBe('match');
    expect(await file.verify('bob', 'builder')).toBe('match');
    expect(await file.verify('alice', 'builder')).toBe('mismatch');
    expect(await file.verify('mallory', 'wonderland')).toBe('mismatch');
    await file.close();
  });

  it('fails to start on a missing file', async () => {
    await expect(loadHtpasswd({ path: join(dir.path, 'missing'), verifier, watch: false })).rejects.toThrow();
  });

  it('reloads when the file is rewritten', async () => {
    const path = join(dir.path, 'rewritten');
    htpasswdFile(path, { alice: 'old-password' });
    const file = await loadHtpasswd({ path, verifier, watch: false, recheckMs: 0 });
    expect(await file.verify('alice', 'old-password')).toBe('match');
    htpasswdFile(path, { alice: 'new-password', dave: 'x' });
    expect(await file.verify('alice', 'new-password')).toBe('match');
    expect(await file.verify('alice', 'old-password')).toBe('mismatch');
    expect(await file.has('dave')).toBe(true);
    await file.close();
  });

  it('follows a Kubernetes-style symlink swap of the ..data directory', async () => {
    const secret = join(dir.path, 'secret');
    await mkdir(join(secret, '..v1'), { recursive: true });
    await mkdir(join(secret, '..v2'), { recursive: true });
    htpasswdFile(join(secret, '..v1', 'htpasswd'), { alice: 'first' });
    htpasswdFile(join(secret, '..v2', 'htpasswd'), { alice: 'second' });
    await symlink('..v1', join(secret, '..data'));
    await symlink(join('..data', 'htpasswd'), join(secret, 'htpasswd'));

    const file = await loadHtpasswd({ path: join(secret, 'htpasswd'), verifier, watch: false, recheckMs: 0 });
    expect(await file.verify('alice', 'first')).toBe('match');
    // kubelet: create a new link and rename it over ..data (atomic)
    await symlink('..v2', join(secret, '..data_tmp'));
    await rename(join(secret, '..data_tmp'), join(secret, '..data'));
    expect(await file.verify('alice', 'second')).toBe('match');
    expect(await file.verify('alice', 'first')).toBe('mismatch');
    await file.close();
  });

  it('notices a change through the directory watcher before the recheck interval', async () => {
    const watched = join(dir.path, 'watched');
    await mkdir(watched);
    const path = join(watched, 'htpasswd');
    htpasswdFile(path, { alice: 'before' });
    const file = await loadHtpasswd({ path, verifier, recheckMs: 60_000 });
    expect(await file.verify('alice', 'before')).toBe('match');
    htpasswdFile(path, { alice: 'after' });
    let result = 'mismatch';
    for (let i = 0; i < 40 && result !== 'match'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      result = await file.verify('alice', 'after');
    }
    expect(result).toBe('match');
    await file.close();
  });

  it('keeps the previous users when the file disappears during a swap', async () => {
    const path = join(dir.path, 'vanishing');
    htpasswdFile(path, { alice: 'stay' });
    const errors: unknown[] = [];
    const file = await loadHtpasswd({
      path,
      verifier,
      watch: false,
      recheckMs: 0,
      onReloadError: (e) => errors.push(e),
    });
    await rename(path, `${path}.gone`);
    expect(await file.verify('alice', 'stay')).toBe('match');
    expect(errors.length).toBeGreaterThan(0);
    await writeFile(path, '');
    expect(await file.verify('alice', 'stay')).toBe('mismatch');
    await file.close();
  });
});
