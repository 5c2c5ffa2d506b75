// Issue 13 item 6: signature verification results persist in the metadata store, so a restarted registry
// answers from it instead of verifying every signature again. Proof: the signature's payload blob is
// tampered with on disk while the server is down; after the restart the stored (trusted) result is served,
// which a fresh verification could not produce. Once a new signature arrives the stored basis no longer
// holds, everything is verified again, and the tampered signature shows as invalid.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../src/index.js';
import {
  dsseBundle,
  inTotoStatement,
  ociClient,
  type Pushed,
  p256KeyPair,
  pushBundleReferrer,
  pushImage,
  pushLegacySignature,
  simpleSigningPayload,
} from './signatures-fixtures.js';

interface Results {
  signed: boolean;
  trusted: boolean;
  signatures: Array<{ kind: string; status: string; trusted: boolean; manifestDigest: string }>;
}

const repository = 'team/app';
const key = p256KeyPair();
const directory = mkdtempSync(join(tmpdir(), 'zot-sig-restart-'));
const rootDirectory = join(directory, 'data');
const config = parseConfig({
  storage: { rootDirectory },
  http: { address: '127.0.0.1', port: 5000 },
  log: { level: 'error' },
  extensions: { trust: { enable: true, cosign: true } },
});
let running: RunningRegistry | undefined;

async function results(digest: string): Promise<Results> {
  const response = await fetch(`${running?.url}/v2/_zot/ext/signatures/${repository}/${digest}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Results;
}

let image: Pushed;
let signature: Pushed;
beforeAll(async () => {
  running = await startRegistry({ config, port: 0 });
});
afterAll(async () => {
  await running?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('signature results across a restart', () => {
  it('verifies once and stores the result', async () => {
    const upload = await fetch(`${running?.url}/v2/_zot/ext/cosign`, {
      method: 'POST',
      body: key.publicKeyPem,
    });
    expect(upload.status).toBe(200);
    const client = ociClient(running?.url ?? '');
    image = await pushImage(client, repository, 'v1');
    signature = await pushLegacySignature(client, repository, image, key);
    const first = await results(image.digest);
    expect(first.trusted).toBe(true);
  });

  it('answers from the metadata store after a restart, without verifying again', async () => {
    await running?.close();
    // while the server is down, the signed payload changes on disk: a fresh verification would refuse it
    const manifest = JSON.parse(signature.content.toString()) as { layers: Array<{ digest: string }> };
    const layerDigest = manifest.layers[0]?.digest ?? '';
    const layerPath = join(rootDirectory, repository, 'blobs', 'sha256', layerDigest.slice('sha256:'.length));
    writeFileSync(layerPath, simpleSigningPayload(`localhost/${repository}`, `sha256:${'0'.repeat(64)}`));

    running = await startRegistry({ config, port: 0 });
    const after = await results(image.digest);
    expect(after.trusted).toBe(true);
    expect(after.signatures.map((report) => report.status)).toEqual(['trusted']);
  });

  it('verifies everything again once a new signature changes the basis', async () => {
    const client = ociClient(running?.url ?? '');
    await pushBundleReferrer(
      client,
      repository,
      image,
      dsseBundle(key, inTotoStatement(repository, image.digest)),
    );
    const again = await results(image.digest);
    const legacy = again.signatures.find((report) => report.manifestDigest === signature.digest);
    expect(legacy?.status).toBe('invalid');
    expect(again.signatures.some((report) => report.kind !== legacy?.kind && report.trusted)).toBe(true);
  });
});
