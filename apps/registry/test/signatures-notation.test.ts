// Notation signatures verified through the real server (extensions.trust.notation): certificates uploaded by an
// admin through POST /v2/_zot/ext/notation, JWS and COSE envelopes made here from certificates made here, and
// the verdicts served by GET /v2/_zot/ext/signatures/<name>/<digest> with the signer's subject.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAY, makeCertificate, type SignOptions, signCose, signJws } from '@zot-ts/notation/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, sha256, startTestRegistry, type TestRegistry } from './helpers.js';
import { OCI_MANIFEST, type OciClient, ociClient, type Pushed, pushImage } from './signatures-fixtures.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = { Authorization: basic('alice', 'alice-secret') };
const developer = { Authorization: basic('bob', 'bob-secret') };
const passwords = join(process.env.TMPDIR ?? '/tmp', `zot-notation-htpasswd-${process.pid}`);

const root = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'Acme Root' }, ca: true });
const signer = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'release signer' }, issuer: root });
const SIGNER_SUBJECT = 'CN=release signer,O=Acme,C=US';

let registry: TestRegistry;
let client: OciClient;

beforeAll(async () => {
  const line = (user: string, password: string) =>
    execFileSync('htpasswd', ['-nbB', '-C', '4', user, password], { encoding: 'utf8' }).trim();
  writeFileSync(passwords, `${line('alice', 'alice-secret')}\n${line('bob', 'bob-secret')}\n`);
  registry = await startTestRegistry({
    extensions: { trust: { enable: true, notation: true } },
    http: {
      auth: { htpasswd: { path: passwords } },
      accessControl: {
        repositories: { '**': { policies: [{ users: ['alice', 'bob'], actions: ['read', 'create'] }] } },
        adminPolicy: { users: ['alice'], actions: ['read', 'create', 'update', 'delete'] },
      },
    },
  });
  client = ociClient(registry.url, developer);
});

afterAll(async () => {
  await registry?.dispose();
  rmSync(passwords, { force: true });
});

const target = (image: Pushed) => ({ mediaType: OCI_MANIFEST, digest: image.digest, size: image.size });

/** Pushes an envelope as notation does: an OCI 1.1 referrer of the image with the envelope as its layer. */
async function attach(
  repository: string,
  image: Pushed,
  envelope: Buffer,
  mediaType: string,
): Promise<Pushed> {
  const config = await client.descriptor(repository, '{}', 'application/vnd.oci.empty.v1+json');
  const layer = await client.descriptor(repository, envelope, mediaType);
  return client.pushManifest(repository, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.cncf.notary.signature',
    config,
    layers: [layer],
    subject: target(image),
    annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '[]' },
  });
}

interface Report {
  tool: string;
  status: string;
  trusted: boolean;
  signer?: string;
  expiresAt?: string;
  reason?: string;
}

async function reports(
  repository: string,
  image: Pushed,
): Promise<{ trusted: boolean; signatures: Report[] }> {
  const response = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/${image.digest}`, {
    headers: developer,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { trusted: boolean; signatures: Report[] };
}

const upload = (body: string | Buffer, headers: Record<string, string>, query = '') =>
  fetch(`${registry.url}/v2/_zot/ext/notation${query}`, { method: 'POST', body, headers });

describe('notation verification', () => {
  let jwsSigned: Pushed;

  it('reports a signature untrusted while the trust store does not hold its root', async () => {
    jwsSigned = await pushImage(client, 'notary/app', 'v1');
    await attach(
      'notary/app',
      jwsSigned,
      signJws({ target: target(jwsSigned), chain: [signer, root] }),
      'application/jose+json',
    );
    const result = await reports('notary/app', jwsSigned);
    expect(result.trusted).toBe(false);
    expect(result.signatures).toEqual([
      expect.objectContaining({ tool: 'notation', status: 'untrusted', signer: SIGNER_SUBJECT }),
    ]);
  });

  it('lets only admins upload certificates, and checks the type and the content as zot', async () => {
    expect((await upload(root.pem, {})).status).toBe(401);
    expect((await upload(root.pem, developer)).status).toBe(403);
    const badType = await upload(root.pem, admin, '?truststoreType=bogus');
    expect(badType.status).toBe(400);
    expect(await errorCode(badType)).toBe('INVALID_TRUSTSTORE_TYPE');
    const garbage = await upload('not a certificate', admin);
    expect(garbage.status).toBe(400);
    expect(await errorCode(garbage)).toBe('INVALID_CERTIFICATE');
    const ok = await upload(root.pem, admin, '?truststoreType=ca');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      type: 'ca',
      digest: sha256(root.pem),
      subjects: ['CN=Acme Root,O=Acme,C=US'],
    });
    // zot's layout, so a zot storage root and ours share the trust store
    expect(
      existsSync(
        join(
          registry.directory,
          'data',
          '_notation',
          'truststore',
          'x509',
          'ca',
          'default',
          sha256(root.pem),
        ),
      ),
    ).toBe(true);
    expect(existsSync(join(registry.directory, 'data', '_notation', 'trustpolicy.json'))).toBe(true);
  });

  it('trusts the JWS signature once its root is uploaded, naming the signer', async () => {
    const result = await reports('notary/app', jwsSigned);
    expect(result.trusted).toBe(true);
    expect(result.signatures[0]).toMatchObject({
      tool: 'notation',
      status: 'trusted',
      signer: SIGNER_SUBJECT,
    });
  });

  it('trusts a COSE signature', async () => {
    const image = await pushImage(client, 'notary/cose', 'v1');
    await attach(
      'notary/cose',
      image,
      signCose({ target: target(image), chain: [signer, root] }),
      'application/cose',
    );
    const result = await reports('notary/cose', image);
    expect(result.signatures[0]).toMatchObject({ status: 'trusted', signer: SIGNER_SUBJECT });
  });

  const refusals: Array<
    [string, (image: Pushed, other: Pushed) => SignOptions & { payload?: Buffer }, string, RegExp]
  > = [
    [
      'a tampered payload',
      (image, other) => ({
        target: target(other),
        chain: [signer, root],
        payload: Buffer.from(JSON.stringify({ targetArtifact: target(image) })),
      }),
      'invalid',
      /does not verify/,
    ],
    [
      'a signature of another image',
      (_image, other) => ({ target: target(other), chain: [signer, root] }),
      'invalid',
      /signature is for/,
    ],
    [
      'an expired signing certificate',
      (image) => ({
        target: target(image),
        chain: [
          makeCertificate({
            subject: { CN: 'retired' },
            issuer: root,
            notBefore: new Date(Date.now() - 30 * DAY),
            notAfter: new Date(Date.now() - DAY),
          }),
          root,
        ],
      }),
      'untrusted',
      /expired/,
    ],
    [
      'a certificate from an untrusted root',
      (image) => {
        const otherRoot = makeCertificate({ subject: { CN: 'Other Root' }, ca: true });
        return {
          target: target(image),
          chain: [makeCertificate({ subject: { CN: 'mallory' }, issuer: otherRoot }), otherRoot],
        };
      },
      'untrusted',
      /not anchored/,
    ],
  ];

  for (const format of [
    { name: 'JWS', sign: signJws, mediaType: 'application/jose+json' },
    { name: 'COSE', sign: signCose, mediaType: 'application/cose' },
  ])
    for (const [what, options, status, reason] of refusals)
      it(`does not trust ${what} (${format.name})`, async () => {
        const repository = `notary/refused-${format.name.toLowerCase()}`;
        const image = await pushImage(client, repository, `t${Math.random().toString(36).slice(2, 8)}`);
        const other = await pushImage(client, repository, `o${Math.random().toString(36).slice(2, 8)}`);
        const signing = options(image, other);
        const envelope = signing.payload ? format.sign(signing, signing.payload) : format.sign(signing);
        await attach(repository, image, envelope, format.mediaType);
        const result = await reports(repository, image);
        expect(result.trusted).toBe(false);
        expect(result.signatures[0]?.status).toBe(status);
        expect(result.signatures[0]?.reason).toMatch(reason);
      });
});
