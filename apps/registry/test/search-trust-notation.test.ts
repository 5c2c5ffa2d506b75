// Issue 14: notation signatures' trust in the search API (zot's SignatureSummary: Author is the signing
// certificate's subject; an expired one is named but not trusted), stored by the background verification after
// a certificate upload, and still answered after a restart on the same storage root.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DAY, makeCertificate, signJws } from '@zot-ts/notation/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { metadataOf, startOnRoot } from './metadata-fixtures.js';
import { gql } from './search-fixtures.js';
import { OCI_MANIFEST, type OciClient, ociClient, type Pushed, pushImage } from './signatures-fixtures.js';

const root = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'Acme Root' }, ca: true });
const signer = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'release signer' }, issuer: root });
const retired = makeCertificate({
  subject: { CN: 'retired' },
  issuer: root,
  notBefore: new Date(Date.now() - 30 * DAY),
  notAfter: new Date(Date.now() - DAY),
});
const config = { extensions: { search: { enable: true }, trust: { enable: true, notation: true } } };

let registry: TestRegistry;
let restarted: RunningRegistry | undefined;
let client: OciClient;
let current: Pushed;
let expired: Pushed;

const target = (image: Pushed) => ({ mediaType: OCI_MANIFEST, digest: image.digest, size: image.size });

/** A JWS envelope pushed as notation pushes it: an OCI 1.1 referrer of the image. */
async function sign(repository: string, image: Pushed, chain: (typeof root)[]): Promise<void> {
  const configBlob = await client.descriptor(repository, '{}', 'application/vnd.oci.empty.v1+json');
  const layer = await client.descriptor(
    repository,
    signJws({ target: target(image), chain }),
    'application/jose+json',
  );
  await client.pushManifest(repository, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.cncf.notary.signature',
    config: configBlob,
    layers: [layer],
    subject: target(image),
  });
}

async function signatureInfo(running: RunningRegistry, reference: string) {
  await metadataOf(running).sync.idle();
  await (metadataOf(running) as { trust?: { idle(): Promise<void> } }).trust?.idle();
  const answer = await gql(
    running,
    `{ Image(image: "${reference}") { IsSigned SignatureInfo { Tool IsTrusted Author } } }`,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data.Image;
}

beforeAll(async () => {
  registry = await startTestRegistry(config);
  client = ociClient(registry.url);
  current = await pushImage(client, 'notary/app', 'v1');
  await sign('notary/app', current, [signer, root]);
  expired = await pushImage(client, 'notary/old', 'v1');
  await sign('notary/old', expired, [retired, root]);
});
afterAll(async () => {
  // the first server is closed by the restart test; the storage root goes either way
  if (restarted) await restarted.close();
  else await registry?.close();
  if (registry) rmSync(registry.directory, { recursive: true, force: true });
});

describe('notation trust in GraphQL', () => {
  it('is signed, untrusted and unnamed while no certificate is trusted', async () => {
    expect(await signatureInfo(registry, 'notary/app:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'notation', IsTrusted: false, Author: '' }],
    });
  });

  it('is trusted, naming the certificate subject, once the root is uploaded', async () => {
    const upload = await fetch(`${registry.url}/v2/_zot/ext/notation?truststoreType=ca`, {
      method: 'POST',
      body: root.pem,
    });
    expect(upload.status).toBe(200);
    expect(await signatureInfo(registry, 'notary/app:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'notation', IsTrusted: true, Author: 'CN=release signer,O=Acme,C=US' }],
    });
  });

  it('names the signer of an expired certificate without trusting it', async () => {
    expect(await signatureInfo(registry, 'notary/old:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'notation', IsTrusted: false, Author: 'CN=retired' }],
    });
  });

  it('answers the stored trust after a restart on the same root', async () => {
    await registry.close();
    restarted = await startOnRoot(join(registry.directory, 'data'), config);
    // straight from the database, before the start-up re-verification has necessarily run
    const answer = await gql(restarted, '{ Image(image: "notary/app:v1") { SignatureInfo { IsTrusted } } }');
    expect(answer.data.Image.SignatureInfo).toEqual([{ IsTrusted: true }]);
    expect(await signatureInfo(restarted, 'notary/app:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'notation', IsTrusted: true, Author: 'CN=release signer,O=Acme,C=US' }],
    });
  });
});
