// Issue 14, what the metadata learns outside the image itself, through the real server: signature trust
// verified in the background after a signature push or a key upload and answered by GraphQL's IsSigned /
// SignatureInfo {Tool, IsTrusted, Author} (zot's convert.GetSignaturesInfo), and PushedBy from the
// authenticated (htpasswd) user who pushed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { metadataOf } from './metadata-fixtures.js';
import { gql } from './search-fixtures.js';
import {
  messageSignatureBundle,
  type OciClient,
  ociClient,
  type Pushed,
  p256KeyPair,
  pushBundleReferrer,
  pushImage,
  pushLegacySignature,
} from './signatures-fixtures.js';

const accessControl = {
  repositories: {
    '**': { policies: [{ users: ['alice'], actions: ['read', 'create', 'update', 'delete'] }] },
  },
  adminPolicy: { users: ['root'], actions: ['read', 'create', 'update', 'delete'] },
};
const as = (user: string) => ({ Authorization: basic(user, `${user}-pw`) });

let registry: TestRegistry;
let directory: string;
let alice: OciClient;
const trustedKey = p256KeyPair();
const otherKey = p256KeyPair();

interface SignatureSummary {
  Tool: string;
  IsTrusted: boolean;
  Author: string;
}

/** GraphQL once the metadata queue and the background trust verification are both done. */
async function query(running: RunningRegistry, text: string) {
  await metadataOf(running).sync.idle();
  const trust = (metadataOf(running) as { trust?: { idle(): Promise<void> } }).trust;
  expect(trust, 'the metadata feature verifies trust when extensions.trust is on').toBeDefined();
  await trust?.idle();
  const answer = await gql(running, text, as('alice'));
  expect(answer.errors).toBeUndefined();
  expect(answer.status).toBe(200);
  return answer.data;
}

async function signatureInfo(
  reference: string,
): Promise<{ IsSigned: boolean; SignatureInfo: SignatureSummary[] }> {
  const data = await query(
    registry,
    `{ Image(image: "${reference}") { IsSigned SignatureInfo { Tool IsTrusted Author } } }`,
  );
  return data.Image;
}

function uploadKey(pem: string, user = 'root'): Promise<Response> {
  return fetch(`${registry.url}/v2/_zot/ext/cosign`, { method: 'POST', body: pem, headers: as(user) });
}

let signed: Pushed;
let otherSigned: Pushed;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-search-trust-'));
  const path = join(directory, 'htpasswd');
  writeFileSync(path, htpasswdLines({ alice: 'alice-pw', root: 'root-pw' }));
  registry = await startTestRegistry({
    http: { auth: { htpasswd: { path } }, accessControl },
    extensions: { search: { enable: true }, trust: { enable: true, cosign: true } },
  });
  alice = ociClient(registry.url, as('alice'));
  signed = await pushImage(alice, 'team/signed', 'v1');
  await pushLegacySignature(alice, 'team/signed', signed, trustedKey);
  await pushBundleReferrer(alice, 'team/signed', signed, messageSignatureBundle(trustedKey, signed.content));
  otherSigned = await pushImage(alice, 'team/other', 'v1');
  await pushLegacySignature(alice, 'team/other', otherSigned, otherKey);
  await pushImage(alice, 'team/plain', 'v1');
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('signature trust in the search API', () => {
  it('reports signed images as signed but untrusted, with no author, while no key is trusted', async () => {
    const image = await signatureInfo('team/signed:v1');
    expect(image.IsSigned).toBe(true);
    expect(image.SignatureInfo).toHaveLength(2);
    expect(image.SignatureInfo).toEqual([
      { Tool: 'cosign', IsTrusted: false, Author: '' },
      { Tool: 'cosign', IsTrusted: false, Author: '' },
    ]);
    expect(await signatureInfo('team/plain:v1')).toEqual({ IsSigned: false, SignatureInfo: [] });
  });

  it('trusts every signature the uploaded key made, with the key as Author (as zot), and no other', async () => {
    expect((await uploadKey(trustedKey.publicKeyPem)).status).toBe(200);
    const image = await signatureInfo('team/signed:v1');
    expect(image.IsSigned).toBe(true);
    expect(image.SignatureInfo).toEqual([
      { Tool: 'cosign', IsTrusted: true, Author: trustedKey.publicKeyPem },
      { Tool: 'cosign', IsTrusted: true, Author: trustedKey.publicKeyPem },
    ]);
    // signed with a key nobody uploaded: signed, not trusted
    const other = await signatureInfo('team/other:v1');
    expect(other).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'cosign', IsTrusted: false, Author: '' }],
    });
  });

  it('verifies a signature pushed after the key upload without anyone asking for it', async () => {
    const later = await pushImage(alice, 'team/later', 'v1');
    await pushBundleReferrer(alice, 'team/later', later, messageSignatureBundle(trustedKey, later.content));
    const data = await query(
      registry,
      `{ ImageList(repo: "team/later") { Results { Digest IsSigned SignatureInfo { Tool IsTrusted Author } } } }`,
    );
    expect(data.ImageList.Results).toEqual([
      {
        Digest: later.digest,
        IsSigned: true,
        SignatureInfo: [{ Tool: 'cosign', IsTrusted: true, Author: trustedKey.publicKeyPem }],
      },
    ]);
  });

  it('filters on HasToBeSigned by signatures, trusted or not (zot: IsSigned)', async () => {
    const data = await query(
      registry,
      `{ GlobalSearch(query: "team/", filter: { HasToBeSigned: true }) { Repos { Name } } }`,
    );
    const names = (data.GlobalSearch.Repos as { Name: string }[]).map((repo) => repo.Name).sort();
    expect(names).toEqual(['team/later', 'team/other', 'team/signed']);
  });
});

describe('PushedBy', () => {
  it('is the htpasswd user who pushed the image', async () => {
    const data = await query(registry, '{ Image(image: "team/plain:v1") { PushedBy } }');
    expect(data.Image.PushedBy).toBe('alice');
    const repo = await query(registry, '{ ExpandedRepoInfo(repo: "team/plain") { Images { PushedBy } } }');
    expect(repo.ExpandedRepoInfo.Images).toEqual([{ PushedBy: 'alice' }]);
  });

  it('is the admin when the admin pushes, and stays the first pusher when another re-pushes', async () => {
    const root = ociClient(registry.url, as('root'));
    const pushed = await pushImage(root, 'team/admin', 'v1');
    await alice.pushManifest('team/admin', JSON.parse(pushed.content.toString()), 'v2');
    const data = await query(registry, '{ ImageList(repo: "team/admin") { Results { Tag PushedBy } } }');
    const byTag = Object.fromEntries(
      (data.ImageList.Results as { Tag: string; PushedBy: string }[]).map((r) => [r.Tag, r.PushedBy]),
    );
    expect(byTag).toEqual({ v1: 'root', v2: 'root' });
  });
});
