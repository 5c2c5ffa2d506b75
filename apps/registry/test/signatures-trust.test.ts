// Issue 8 end to end: signatures made the way cosign 2 and 3 make them, pushed over HTTP to the real server
// with extensions.trust on, found by the referrers API, and verified once a key is uploaded.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestRegistry, type TestRegistry } from './helpers.js';
import {
  BUNDLE_V03,
  dsseBundle,
  inTotoStatement,
  type KeyPair,
  messageSignatureBundle,
  type OciClient,
  ociClient,
  type Pushed,
  p256KeyPair,
  pushBundleReferrer,
  pushImage,
  pushLegacySignature,
  simpleSigningPayload,
} from './signatures-fixtures.js';

interface Report {
  kind: string;
  status: string;
  trusted: boolean;
  manifestDigest: string;
  keyFingerprint?: string;
  predicateType?: string;
  reason?: string;
}
interface Results {
  digest: string;
  signed: boolean;
  trusted: boolean;
  signatures: Report[];
}

const repository = 'team/app';
let registry: TestRegistry;
let client: OciClient;
const trustedKey: KeyPair = p256KeyPair();
const otherKey: KeyPair = p256KeyPair();

/** The three ways cosign signs an image: `.sig` tag, bundle with a message signature, bundle with DSSE. */
async function signAllWays(image: Pushed, key: KeyPair): Promise<Pushed[]> {
  return [
    await pushLegacySignature(client, repository, image, key),
    await pushBundleReferrer(client, repository, image, messageSignatureBundle(key, image.content)),
    await pushBundleReferrer(
      client,
      repository,
      image,
      dsseBundle(key, inTotoStatement(repository, image.digest)),
    ),
  ];
}

async function results(digest: string, name = repository): Promise<Results> {
  const response = await fetch(`${registry.url}/v2/_zot/ext/signatures/${name}/${digest}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Results;
}

function uploadKey(body: string): Promise<Response> {
  return fetch(`${registry.url}/v2/_zot/ext/cosign`, { method: 'POST', body });
}

let signedImage: Pushed;
let signatures: Pushed[];

beforeAll(async () => {
  registry = await startTestRegistry({ extensions: { trust: { enable: true, cosign: true } } });
  client = ociClient(registry.url);
  signedImage = await pushImage(client, repository, 'v1');
  signatures = await signAllWays(signedImage, trustedKey);
});

afterAll(async () => {
  await registry?.dispose();
});

describe('signatures pushed as cosign pushes them', () => {
  it('lists the bundle referrers with the artifactType filter applied', async () => {
    const response = await fetch(
      `${registry.url}/v2/${repository}/referrers/${signedImage.digest}?artifactType=${encodeURIComponent(BUNDLE_V03)}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await response.json()) as { manifests: Array<{ digest: string; artifactType: string }> };
    expect(index.manifests.map((m) => m.digest).sort()).toEqual(
      [signatures[1]?.digest, signatures[2]?.digest].sort(),
    );
    expect(index.manifests.every((m) => m.artifactType === BUNDLE_V03)).toBe(true);
  });

  it('reports an image without signatures as unsigned', async () => {
    const unsigned = await pushImage(client, repository, 'unsigned');
    expect(await results(unsigned.digest)).toEqual({
      digest: unsigned.digest,
      signed: false,
      trusted: false,
      signatures: [],
    });
  });

  it('reports the signatures as signed but untrusted before any key is uploaded', async () => {
    const before = await results(signedImage.digest);
    expect(before.signed).toBe(true);
    expect(before.trusted).toBe(false);
    expect(before.signatures.map((s) => s.kind).sort()).toEqual([
      'cosign-signature',
      'sigstore-bundle',
      'sigstore-bundle',
    ]);
    expect(before.signatures.every((s) => s.status === 'untrusted')).toBe(true);
  });
});

describe('trusting a key with POST /v2/_zot/ext/cosign', () => {
  it('stores the key under <root>/_cosign and trusts every signature it made', async () => {
    const response = await uploadKey(trustedKey.publicKeyPem);
    expect(response.status).toBe(200);
    const { fingerprint } = (await response.json()) as { fingerprint: string };
    expect(fingerprint).toMatch(/^sha256:[a-f0-9]{64}$/);
    const cosignDirectory = join(registry.directory, 'data', '_cosign');
    expect(existsSync(cosignDirectory)).toBe(true);
    expect(readdirSync(cosignDirectory)).toEqual([`${fingerprint.replace(':', '-')}.pub`]);

    const after = await results(signedImage.digest);
    expect(after.trusted).toBe(true);
    expect(after.signatures).toHaveLength(3);
    for (const report of after.signatures) {
      expect(report).toMatchObject({ status: 'trusted', trusted: true, keyFingerprint: fingerprint });
    }
    const dsse = after.signatures.find((s) => s.predicateType !== undefined);
    expect(dsse?.predicateType).toBe('https://sigstore.dev/cosign/sign/v1');
  });

  it('leaves signatures made with another key untrusted', async () => {
    const image = await pushImage(client, repository, 'other-key');
    await signAllWays(image, otherKey);
    const report = await results(image.digest);
    expect(report.signed).toBe(true);
    expect(report.trusted).toBe(false);
    expect(report.signatures).toHaveLength(3);
    for (const signature of report.signatures) {
      expect(signature.status).toBe('untrusted');
      expect(signature.reason).toBe('no trusted key verifies the signature');
    }
  });

  it('recomputes when a signature arrives after the results were read', async () => {
    const image = await pushImage(client, repository, 'late');
    expect((await results(image.digest)).signed).toBe(false);
    await pushLegacySignature(client, repository, image, trustedKey);
    expect((await results(image.digest)).trusted).toBe(true);
  });
});

describe('tampered signatures', () => {
  it('reports a .sig payload rewritten to name another image as invalid', async () => {
    const image = await pushImage(client, repository, 'tampered-sig');
    const forged = simpleSigningPayload(`localhost/${repository}`, signedImage.digest);
    await pushLegacySignature(client, repository, image, trustedKey, forged);
    const [report] = (await results(image.digest)).signatures;
    expect(report).toMatchObject({ kind: 'cosign-signature', status: 'invalid', trusted: false });
  });

  it('reports a DSSE bundle whose statement was swapped for another subject as invalid', async () => {
    const image = await pushImage(client, repository, 'tampered-dsse');
    const bundle = dsseBundle(trustedKey, inTotoStatement(repository, image.digest)) as {
      dsseEnvelope: { payload: string };
    };
    bundle.dsseEnvelope.payload = inTotoStatement(repository, signedImage.digest).toString('base64');
    await pushBundleReferrer(client, repository, image, bundle);
    const report = await results(image.digest);
    expect(report.trusted).toBe(false);
    expect(report.signatures[0]).toMatchObject({ kind: 'sigstore-bundle', status: 'invalid' });
  });

  it('never trusts a .sig whose payload was edited after signing', async () => {
    const image = await pushImage(client, repository, 'edited-sig');
    const edited = simpleSigningPayload('evil.example/other', image.digest);
    await pushLegacySignature(client, repository, image, trustedKey, edited);
    const [report] = (await results(image.digest)).signatures;
    expect(report?.trusted).toBe(false);
    expect(report?.status).not.toBe('trusted');
  });
});

describe('GET /v2/_zot/ext/signatures errors', () => {
  it('answers 404 MANIFEST_UNKNOWN for a manifest that is not there', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    const response = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/${missing}`);
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('MANIFEST_UNKNOWN');
  });

  it('answers 400 DIGEST_INVALID for something that is not a digest', async () => {
    const response = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/v1`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('DIGEST_INVALID');
  });

  it('announces the endpoints in the extension discovery list', async () => {
    const response = await fetch(`${registry.url}/v2/_oci/ext/discover`);
    const body = (await response.json()) as { extensions: Array<{ name: string; endpoints: string[] }> };
    const zot = body.extensions.find((extension) => extension.name === '_zot');
    expect(zot?.endpoints).toEqual(
      expect.arrayContaining(['/v2/_zot/ext/cosign', '/v2/_zot/ext/signatures']),
    );
  });
});
