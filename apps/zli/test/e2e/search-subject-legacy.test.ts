// Issue 13 item 6: `zli search subject` lists cosign 2's legacy `sha256-<hex>.sig` signatures (not referrers)
// beside the OCI 1.1 referrers, against the real registry with the trust extension on: the SIGNATURE column
// gives the registry's verdict for both.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../push-image.js';
import { runZli } from '../run-zli.js';
import { cosignKeyPair, signImage, uploadCosignKey } from '../sign-image.js';

let running: RunningRegistry;
let dir: string;
let env: Record<string, string>;
let legacyDigest = '';
let referrerDigest = '';
let imageDigest = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-legacy-sig-'));
  const config = parseConfig({
    storage: { rootDirectory: join(dir, 'storage') },
    http: { address: '127.0.0.1', port: '0' },
    log: { level: 'error' },
    extensions: { trust: { enable: true, cosign: true } },
  });
  running = await startRegistry({ config, port: 0 });
  const trusted = cosignKeyPair();
  await uploadCosignKey(running.url, trusted);
  const image = await pushImage(running.url, 'alpine', '3.20');
  imageDigest = image.digest;
  legacyDigest = (await signImage(running.url, 'alpine', image, trusted, { mode: 'tag' })).digest;
  referrerDigest = (await signImage(running.url, 'alpine', image, cosignKeyPair(), { mode: 'referrer' }))
    .digest;
  await pushImage(running.url, 'alpine', 'unsigned');
  env = { ZLI_CONFIG: join(dir, 'zot') };
  await writeFile(
    env.ZLI_CONFIG as string,
    JSON.stringify({ configs: [{ _name: 'local', url: running.url }] }),
  );
});

afterAll(async () => {
  await running?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('zli search subject with a legacy .sig signature', () => {
  it('lists the .sig tag signature (trusted) beside the referrer (untrusted)', async () => {
    const result = await runZli(['search', 'subject', 'alpine:3.20', '--config', 'local', '-f', 'json'], env);
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(2);
    expect(listed).toContainEqual(
      expect.objectContaining({
        digest: legacyDigest,
        subject: imageDigest,
        tag: `${imageDigest.replace(':', '-')}.sig`,
        artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        verification: expect.objectContaining({ status: 'trusted' }),
      }),
    );
    expect(listed).toContainEqual(
      expect.objectContaining({
        digest: referrerDigest,
        verification: expect.objectContaining({ status: 'untrusted' }),
      }),
    );
  });

  it('shows both in the table with their verdicts; an unsigned image has none', async () => {
    const table = await runZli(['search', 'subject', 'alpine:3.20', '--config', 'local'], env);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ARTIFACT TYPE\s+SIZE\s+DIGEST\s+SIGNATURE$/);
    const row = (type: string, digest: string, verdict: string) =>
      new RegExp(
        `^${type.replaceAll('.', '\\.').replaceAll('+', '\\+')}\\s+\\d+B\\s+${digest.slice(7, 15)}\\s+${verdict}$`,
      );
    expect(rows).toContainEqual(
      expect.stringMatching(row('application/vnd.dev.cosign.simplesigning.v1+json', legacyDigest, 'trusted')),
    );
    expect(rows).toContainEqual(
      expect.stringMatching(
        row('application/vnd.dev.cosign.artifact.sig.v1+json', referrerDigest, 'untrusted'),
      ),
    );
    const none = await runZli(['search', 'subject', 'alpine:unsigned', '--config', 'local'], env);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('no referrers found\n');
  });
});
