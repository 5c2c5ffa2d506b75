// extensions.sync from an upstream behind Docker token auth, end to end: a second zot-ts with
// http.auth.bearer, a token server started by the test, and a mirror holding the sync credentials in its
// credentialsFile. Signatures are pushed the way cosign 3 (sigstore bundle referrer), notation (JWS referrer)
// and cosign 2 (legacy `.sig` tag) push them. Proves: the token flow with the mirror's credentials and
// per-repository pull scopes, tokens reused (not fetched per request), `onlySigned` satisfied by bundle and
// notation referrers, `syncLegacyCosignTags: false` (no `.sig` tags copied, and a `.sig` tag alone is no
// signature), the synced signatures still verify on the mirror, and a wrong password failing cleanly (404 on
// demand, an error metric, the password in no log line).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate, signJws } from '@zot-ts/notation/testing';
import { createRegistryClient, type RegistryClient } from '@zot-ts/oci-client';
import {
  type PushedImage,
  pushRandomImage,
  startTokenServer,
  type TokenServer,
} from '@zot-ts/oci-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startTestRegistry, type TestRegistry, until } from './helpers.js';
import { metadataOf } from './metadata-fixtures.js';
import { gql } from './search-fixtures.js';
import {
  BUNDLE_V03,
  dsseBundle,
  inTotoStatement,
  type KeyPair,
  OCI_MANIFEST,
  p256KeyPair,
  SIMPLE_SIGNING,
  simpleSigningPayload,
} from './signatures-fixtures.js';

const NOTATION = 'application/vnd.cncf.notary.signature';
const EMPTY_JSON = 'application/vnd.oci.empty.v1+json';
const MIRROR_PASSWORD = 'mirror-secret-3141';
const WRONG_PASSWORD = 'not-the-password-2718';

const cosignKey: KeyPair = p256KeyPair();
const notaryRoot = makeCertificate({ subject: { CN: 'Sync Root' }, ca: true });
const notarySigner = makeCertificate({ subject: { CN: 'sync signer' }, issuer: notaryRoot });

let directory: string;
let tokens: TokenServer;
let upstream: TestRegistry;
let mirror: TestRegistry;
let admin: RegistryClient;
const images: Record<string, PushedImage> = {};
const signatures: Record<string, string> = {};

const subjectOf = (image: PushedImage) => ({
  mediaType: image.mediaType,
  digest: image.digest,
  size: image.manifest.length,
});

async function blob(repository: string, bytes: Buffer, mediaType: string) {
  const digest = sha256(bytes);
  await admin.pushBlob(repository, { digest, size: bytes.length, open: () => bytes });
  return { mediaType, digest, size: bytes.length };
}

/** An OCI 1.1 artifact with one layer, a referrer of `image` unless `tag` names a legacy signature tag. */
async function pushArtifact(
  image: PushedImage,
  artifactType: string,
  layer: { bytes: Buffer; mediaType: string; annotations?: Record<string, string> },
  tag?: string,
): Promise<string> {
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      ...(tag === undefined ? { artifactType } : {}),
      config: await blob(image.repository, Buffer.from('{}'), EMPTY_JSON),
      layers: [
        {
          ...(await blob(image.repository, layer.bytes, layer.mediaType)),
          ...(layer.annotations === undefined ? {} : { annotations: layer.annotations }),
        },
      ],
      ...(tag === undefined ? { subject: subjectOf(image) } : {}),
    }),
  );
  return admin.putManifest(image.repository, tag ?? sha256(manifest), OCI_MANIFEST, manifest);
}

const signWithBundle = (image: PushedImage) =>
  pushArtifact(image, BUNDLE_V03, {
    bytes: Buffer.from(
      JSON.stringify(dsseBundle(cosignKey, inTotoStatement(image.repository, image.digest))),
    ),
    mediaType: BUNDLE_V03,
  });

const signWithNotation = (image: PushedImage) =>
  pushArtifact(image, NOTATION, {
    bytes: signJws({ target: subjectOf(image), chain: [notarySigner, notaryRoot] }),
    mediaType: 'application/jose+json',
  });

/** cosign 2 `sign --key`: the simple-signing payload under `sha256-<hex>.sig`. */
function signWithLegacyTag(image: PushedImage) {
  const payload = simpleSigningPayload(`localhost/${image.repository}`, image.digest);
  return pushArtifact(
    image,
    '',
    {
      bytes: payload,
      mediaType: SIMPLE_SIGNING,
      annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' },
    },
    `${image.digest.replace(':', '-')}.sig`,
  );
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-sync-bearer-'));
  tokens = await startTokenServer({
    admin: { password: 'admin-pass', actions: ['pull', 'push', 'delete'], catalog: true },
    mirror: { password: MIRROR_PASSWORD, actions: ['pull'], catalog: true },
  });
  const cert = join(directory, 'token.pem');
  tokens.writeCertificate(cert);
  upstream = await startTestRegistry({
    http: { auth: { bearer: { realm: tokens.realm, service: tokens.service, cert } } },
  });
  admin = createRegistryClient({
    url: upstream.url,
    credentials: { username: 'admin', password: 'admin-pass' },
  });

  for (const name of ['team/bundle', 'team/notation', 'team/both', 'team/legacy', 'team/plain']) {
    images[name] = await pushRandomImage(admin, name, 'v1', { layers: 2 });
  }
  const image = (name: string) => images[name] as PushedImage;
  signatures.bundle = await signWithBundle(image('team/bundle'));
  signatures.notation = await signWithNotation(image('team/notation'));
  signatures.both = await signWithBundle(image('team/both'));
  signatures.bothLegacy = await signWithLegacyTag(image('team/both'));
  signatures.legacy = await signWithLegacyTag(image('team/legacy'));
  images['pull/app'] = await pushRandomImage(admin, 'pull/app', 'v1', { layers: 3 });
  images['secret/app'] = await pushRandomImage(admin, 'secret/app', 'v1');

  // 127.0.0.1 carries the right password; `localhost` (the same upstream) a wrong one
  const credentialsFile = join(directory, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      [`127.0.0.1:${upstream.port}`]: { username: 'mirror', password: MIRROR_PASSWORD },
      [`localhost:${upstream.port}`]: { username: 'mirror', password: WRONG_PASSWORD },
    }),
  );
  const rule = (url: string, content: object[], extra: object = {}) => ({
    urls: [url],
    tlsVerify: false,
    maxRetries: 1,
    retryDelay: '10ms',
    content,
    ...extra,
  });
  mirror = await startTestRegistry({
    log: { level: 'debug', output: join(directory, 'mirror.log') },
    extensions: {
      metrics: { enable: true },
      search: { enable: true },
      trust: { enable: true, cosign: true, notation: true },
      sync: {
        credentialsFile,
        registries: [
          rule(upstream.url, [{ prefix: 'team/**' }], {
            pollInterval: '1h',
            onlySigned: true,
            syncLegacyCosignTags: false,
          }),
          rule(upstream.url, [{ prefix: 'pull/**' }], { onDemand: true }),
          rule(`http://localhost:${upstream.port}`, [{ prefix: 'secret/**' }], { onDemand: true }),
        ],
      },
    },
  });
}, 60_000);

afterAll(async () => {
  admin?.close();
  await mirror?.dispose();
  await upstream?.dispose();
  await tokens?.close();
  if (directory && !process.env.KEEP) rmSync(directory, { recursive: true, force: true });
});

const onMirror = (repository: string, reference: string, accept = OCI_MANIFEST) =>
  fetch(`${mirror.url}/v2/${repository}/manifests/${reference}`, { headers: { accept } });
const metrics = async () => (await fetch(`${mirror.url}/metrics`)).text();
const mirrorTags = async (repository: string) => {
  const answer = await fetch(`${mirror.url}/v2/${repository}/tags/list`);
  return answer.status === 200 ? ((await answer.json()) as { tags: string[] }).tags : [];
};
const referrersOnMirror = async (repository: string, digest: string) => {
  const answer = await fetch(`${mirror.url}/v2/${repository}/referrers/${digest}`);
  return ((await answer.json()) as { manifests: Array<{ digest: string; artifactType?: string }> }).manifests;
};

describe('periodic sync from a bearer-token upstream with onlySigned and no legacy cosign tags', () => {
  it('copies the images signed by a bundle or a notation referrer, byte for byte, with their signatures', async () => {
    await until(async () => {
      const text = await metrics();
      return /outcome="synced"\} 3\b/.test(text) && /outcome="notSigned"\} 2\b/.test(text) ? true : undefined;
    }, 30_000);
    for (const [name, signature] of [
      ['team/bundle', signatures.bundle],
      ['team/notation', signatures.notation],
      ['team/both', signatures.both],
    ] as const) {
      const image = images[name] as PushedImage;
      const answer = await onMirror(name, 'v1');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('docker-content-digest')).toBe(image.digest);
      expect(Buffer.from(await answer.arrayBuffer())).toEqual(image.manifest);
      expect((await referrersOnMirror(name, image.digest)).map((r) => r.digest)).toEqual([signature]);
      const copied = await onMirror(name, signature as string);
      expect(copied.status).toBe(200);
      expect(sha256(Buffer.from(await copied.arrayBuffer()))).toBe(signature);
    }
  });

  it('takes neither a legacy .sig tag nor an image signed only by one, and never an unsigned image', async () => {
    expect(await mirrorTags('team/both')).toEqual(['v1']);
    expect((await onMirror('team/both', signatures.bothLegacy as string)).status).toBe(404);
    expect((await onMirror('team/legacy', 'v1')).status).toBe(404);
    expect((await onMirror('team/plain', 'v1')).status).toBe(404);
  });

  it('asked the token server with the mirror credentials for pull scopes only, and reused the tokens', async () => {
    const mirrorRequests = tokens.requests.filter((r) => r.user === 'mirror' && r.status === 200);
    expect(mirrorRequests.length).toBeGreaterThan(0);
    const scopes = mirrorRequests.flatMap((r) => r.scopes);
    expect(scopes.every((s) => s === 'registry:catalog:*' || /^repository:[a-z/]+:pull$/.test(s))).toBe(true);
    expect(scopes).toContain('repository:team/bundle:pull');
    // tokens last 300 s: each scope set is fetched about once, not per manifest, blob or referrers call
    const perScopeSet = new Map<string, number>();
    for (const request of mirrorRequests) {
      const key = [...request.scopes].sort().join(' ');
      perScopeSet.set(key, (perScopeSet.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perScopeSet.values())).toBeLessThanOrEqual(2);
  });

  it('keeps the signatures verifiable on the mirror (cosign key and notation root uploaded there)', async () => {
    const key = await fetch(`${mirror.url}/v2/_zot/ext/cosign`, {
      method: 'POST',
      body: cosignKey.publicKeyPem,
    });
    expect(key.status).toBe(200);
    const root = await fetch(`${mirror.url}/v2/_zot/ext/notation?truststoreType=ca`, {
      method: 'POST',
      body: notaryRoot.pem,
    });
    expect(root.status).toBe(200);
    const metadata = metadataOf(mirror) as ReturnType<typeof metadataOf> & {
      trust?: { idle(): Promise<void> };
    };
    const signed = async (reference: string) => {
      await metadata.sync.idle();
      await metadata.trust?.idle();
      const answer = await gql(
        mirror,
        `{ Image(image: "${reference}") { IsSigned SignatureInfo { Tool IsTrusted } } }`,
      );
      expect(answer.errors).toBeUndefined();
      return answer.data.Image;
    };
    expect(await signed('team/bundle:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'cosign', IsTrusted: true }],
    });
    expect(await signed('team/notation:v1')).toEqual({
      IsSigned: true,
      SignatureInfo: [{ Tool: 'notation', IsTrusted: true }],
    });
  });
});

describe('on demand from a bearer-token upstream', () => {
  it('fetches a missing image once for a burst of pulls, with one token for its repository', async () => {
    const image = images['pull/app'] as PushedImage;
    const before = tokens.requests.length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => onMirror('pull/app', 'v1')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const answer of answers) expect(answer.headers.get('docker-content-digest')).toBe(image.digest);
    for (const layer of image.layers) {
      const pulled = await fetch(`${mirror.url}/v2/pull/app/blobs/${layer.digest}`);
      expect(sha256(Buffer.from(await pulled.arrayBuffer()))).toBe(layer.digest);
    }
    const fresh = tokens.requests.slice(before);
    expect(fresh.filter((r) => r.scopes.includes('repository:pull/app:pull'))).toHaveLength(1);
    expect(fresh.every((r) => r.user === 'mirror' && r.status === 200)).toBe(true);
  });

  it('answers 404 when the token server refuses the mirror, counts an error and logs no password', async () => {
    const before = tokens.requests.length;
    const answer = await onMirror('secret/app', 'v1');
    expect(answer.status).toBe(404);
    expect(tokens.requests.slice(before).some((r) => r.user === 'mirror' && r.status === 401)).toBe(true);
    expect(await metrics()).toMatch(
      /zot_sync_errors_total\{[^}]*upstream="http:\/\/localhost:\d+"[^}]*\} [1-9]/,
    );
    const log = await until(async () => {
      const text = readFileSync(join(directory, 'mirror.log'), 'utf8');
      return text.includes('secret/app') ? text : undefined;
    }, 5_000);
    expect(log).not.toContain(WRONG_PASSWORD);
    expect(log).not.toContain(MIRROR_PASSWORD);
    expect(log).not.toContain(Buffer.from(`mirror:${WRONG_PASSWORD}`).toString('base64'));
  });
});
