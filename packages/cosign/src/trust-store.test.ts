import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTrustStore, MAX_KEY_BYTES, TrustStoreError } from './trust-store.js';

const pemOf = (type: 'ec' | 'rsa' | 'ed25519', options: object = {}) =>
  generateKeyPairSync(type as 'ec', { namedCurve: 'P-256', ...options } as { namedCurve: string })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(TrustStoreError);
    return (error as TrustStoreError).code;
  }
}

describe('TrustStore', () => {
  let directory: string;
  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'cosign-trust-')), '_cosign');
  });
  afterEach(async () => {
    await rm(join(directory, '..'), { recursive: true, force: true });
  });

  it('lists nothing before the first key, without creating the directory', async () => {
    expect(await createTrustStore({ directory }).list()).toEqual([]);
  });

  it('stores P-256, RSA and Ed25519 keys under their fingerprints and lists them from a fresh instance', async () => {
    const added: string[] = [];
    const store = createTrustStore({ directory, onKeyAdded: (key) => added.push(key.fingerprint) });
    const ec = await store.addCosignKey(pemOf('ec'));
    const rsa = await store.addCosignKey(Buffer.from(pemOf('rsa', { modulusLength: 2048 })));
    const ed = await store.addCosignKey(pemOf('ed25519'));
    expect([ec.algorithm, rsa.algorithm, ed.algorithm]).toEqual(['ecdsa-p256', 'rsa', 'ed25519']);
    expect(ec.fingerprint).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(added).toEqual([ec.fingerprint, rsa.fingerprint, ed.fingerprint]);
    const listed = await createTrustStore({ directory }).list();
    expect(listed.map((key) => key.fingerprint).sort()).toEqual(
      [ec.fingerprint, rsa.fingerprint, ed.fingerprint].sort(),
    );
    expect((await readdir(directory)).sort()).toEqual(
      [ec, rsa, ed].map((key) => `${key.fingerprint.replace(':', '-')}.pub`).sort(),
    );
  });

  it('adding the same key twice keeps one file', async () => {
    const store = createTrustStore({ directory });
    const pem = pemOf('ec');
    const first = await store.addCosignKey(pem);
    const again = await store.addCosignKey(pem.replace(/\n/g, '\r\n'));
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(await store.list()).toHaveLength(1);
  });

  it('rejects junk, certificates-shaped garbage, private keys and weak RSA with INVALID_KEY', async () => {
    const store = createTrustStore({ directory });
    expect(await codeOf(store.addCosignKey('hello'))).toBe('INVALID_KEY');
    expect(
      await codeOf(store.addCosignKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')),
    ).toBe('INVALID_KEY');
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(await codeOf(store.addCosignKey(privatePem))).toBe('INVALID_KEY');
    expect(await codeOf(store.addCosignKey(pemOf('rsa', { modulusLength: 1024 })))).toBe('INVALID_KEY');
    expect(await store.list()).toEqual([]);
  });

  it('rejects a body over 8 MiB with KEY_TOO_LARGE before parsing it', async () => {
    const store = createTrustStore({ directory });
    expect(await codeOf(store.addCosignKey(Buffer.alloc(MAX_KEY_BYTES + 1, 0x41)))).toBe('KEY_TOO_LARGE');
  });

  it('leaves no temp files behind', async () => {
    const store = createTrustStore({ directory });
    await Promise.all([store.addCosignKey(pemOf('ec')), store.addCosignKey(pemOf('ec'))]);
    expect((await readdir(directory)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });
});
