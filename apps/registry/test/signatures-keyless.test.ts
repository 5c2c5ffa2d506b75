// Keyless (Fulcio certificate + Rekor entry) signatures through the real server: a private sigstore
// deployment made in the test, its trusted_root.json given as extensions.trust.trustedRoot, bundles pushed
// over HTTP as cosign 3 pushes them (OCI 1.1 referrers), and the results read back over HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import {
  createSigstoreDeployment,
  keylessDsseBundle,
  keylessMessageBundle,
  OIDC_ISSUER,
  SIGNER_EMAIL,
} from '@zot-ts/cosign/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry } from '../src/index.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import {
  BUNDLE_V03,
  inTotoStatement,
  type OciClient,
  ociClient,
  type Pushed,
  pushBundleReferrer,
  pushImage,
} from './signatures-fixtures.js';

interface Results {
  signed: boolean;
  trusted: boolean;
  signatures: Array<{
    kind: string;
    status: string;
    trusted: boolean;
    reason?: string;
    identity?: { subjectAlternativeName?: string; issuer?: string };
  }>;
}

const repository = 'team/app';
const deployment = createSigstoreDeployment();
const directory = mkdtempSync(join(tmpdir(), 'zot-keyless-'));
const trustedRootPath = join(directory, 'trusted_root.json');
let rooted: TestRegistry;
let rootless: TestRegistry;

async function results(registry: TestRegistry, digest: string): Promise<Results> {
  const response = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/${digest}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Results;
}

/** An image and a cosign 3 keyless bundle (DSSE over an in-toto statement) for it, by `leaf`. */
async function signedImage(client: OciClient, tag: string, leaf = deployment.issue()): Promise<Pushed> {
  const image = await pushImage(client, repository, tag);
  await pushBundleReferrer(
    client,
    repository,
    image,
    keylessDsseBundle(deployment, leaf, inTotoStatement(repository, image.digest)),
  );
  return image;
}

beforeAll(async () => {
  writeFileSync(trustedRootPath, JSON.stringify(deployment.trustedRoot(), null, 2));
  const trust = { enable: true, cosign: true };
  rooted = await startTestRegistry({
    extensions: {
      trust: {
        ...trust,
        trustedRoot: trustedRootPath,
        keylessIdentities: [{ issuer: OIDC_ISSUER, subjectRegExp: '.*@example\\.com' }],
      },
    },
  });
  rootless = await startTestRegistry({ extensions: { trust } });
});

afterAll(async () => {
  await rooted?.dispose();
  await rootless?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('keyless signatures with extensions.trust.trustedRoot', () => {
  it('lists a keyless bundle as a referrer and reports it trusted, with the signer identity', async () => {
    const client = ociClient(rooted.url);
    const image = await signedImage(client, 'dsse');
    const referrers = await fetch(
      `${rooted.url}/v2/${repository}/referrers/${image.digest}?artifactType=${encodeURIComponent(BUNDLE_V03)}`,
    );
    expect(((await referrers.json()) as { manifests: unknown[] }).manifests).toHaveLength(1);
    const result = await results(rooted, image.digest);
    expect(result).toMatchObject({ signed: true, trusted: true });
    expect(result.signatures).toEqual([
      expect.objectContaining({
        kind: 'sigstore-bundle',
        status: 'trusted',
        identity: { subjectAlternativeName: SIGNER_EMAIL, issuer: OIDC_ISSUER },
      }),
    ]);
  });

  it('trusts a keyless message signature over the manifest too', async () => {
    const client = ociClient(rooted.url);
    const image = await pushImage(client, repository, 'message');
    await pushBundleReferrer(
      client,
      repository,
      image,
      keylessMessageBundle(deployment, deployment.issue(), image.content),
    );
    expect((await results(rooted, image.digest)).trusted).toBe(true);
  });

  it('leaves a signer outside keylessIdentities untrusted, naming who signed', async () => {
    const stranger = deployment.issue({ identity: { email: 'someone@elsewhere.test' } });
    const image = await signedImage(ociClient(rooted.url), 'stranger', stranger);
    const [report] = (await results(rooted, image.digest)).signatures;
    expect(report).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('someone@elsewhere.test'),
      identity: { subjectAlternativeName: 'someone@elsewhere.test' },
    });
  });

  it('reports keyless bundles untrusted when no trusted root is configured', async () => {
    const image = await signedImage(ociClient(rootless.url), 'rootless');
    const result = await results(rootless, image.digest);
    expect(result).toMatchObject({ signed: true, trusted: false });
    expect(result.signatures[0]).toMatchObject({ status: 'untrusted', reason: 'no trusted root configured' });
  });
});

describe('a trusted root that cannot be used', () => {
  const start = (trust: Record<string, unknown>) =>
    startRegistry({
      config: parseConfig({
        storage: { rootDirectory: join(directory, 'refused') },
        http: { address: '127.0.0.1', port: 5000 },
        log: { level: 'error' },
        extensions: { trust: { enable: true, cosign: true, ...trust } },
      }),
      port: 0,
    });

  it('stops the start with the key and the path when the file is missing or not a trusted root', async () => {
    const missing = join(directory, 'missing.json');
    await expect(start({ trustedRoot: missing })).rejects.toThrow(
      `extensions.trust.trustedRoot: ${missing}: no such file`,
    );
    const notARoot = join(directory, 'not-a-root.json');
    writeFileSync(notARoot, JSON.stringify({ mediaType: 'x', certificateAuthorities: [] }));
    await expect(start({ trustedRoot: notARoot })).rejects.toThrow(
      `extensions.trust.trustedRoot: ${notARoot} is not a sigstore trusted_root.json`,
    );
  });

  it('stops the start on a bad identity, or identities without a trusted root', async () => {
    await expect(
      start({ trustedRoot: trustedRootPath, keylessIdentities: [{ issuer: 'i', subjectRegExp: '(' }] }),
    ).rejects.toThrow(
      'extensions.trust.keylessIdentities[0]: subjectRegExp is not a valid regular expression',
    );
    await expect(start({ keylessIdentities: [{ issuer: 'i', subject: 's' }] })).rejects.toThrow(
      'extensions.trust.keylessIdentities: needs extensions.trust.trustedRoot',
    );
  });
});
