// The client against our own registry in-process: Docker token auth (scopes per repository, cached tokens),
// uploads (monolithic, chunked, mount), manifests with Accept negotiation, paging, referrers, and a
// fault-injecting proxy that cuts a blob mid-body (resumed with Range) or answers 429 with Retry-After.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, type RegistryClient, RegistryClientError } from '../src/index.js';
import { type FaultProxy, pushRandomImage, startFaultProxy } from '../src/testing/index.js';
import { BEARER_USER, type LocalRegistry, startLocalRegistry } from './local-registry.js';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let bearer: LocalRegistry;
let plain: LocalRegistry;
let proxy: FaultProxy;
let client: RegistryClient;
beforeAll(async () => {
  [bearer, plain] = await Promise.all([startLocalRegistry({ bearer: true }), startLocalRegistry()]);
  proxy = await startFaultProxy(plain.url);
  client = createRegistryClient({ url: bearer.url, credentials: BEARER_USER, retry: { delayMs: 20 } });
});
afterAll(async () => {
  client?.close();
  await proxy?.close();
  await Promise.all([bearer?.close(), plain?.close()]);
});

describe('bearer token flow', () => {
  it('pushes and pulls with tokens scoped per repository, fetched once per scope set', async () => {
    const image = await pushRandomImage(client, 'team/app', 'v1', { layers: 2, layerSize: 4096 });
    const fetched = await client.getManifest('team/app', 'v1');
    expect(fetched.digest).toBe(image.digest);
    expect(fetched.content.equals(image.manifest)).toBe(true);
    const layer = image.layers[0];
    if (layer === undefined) throw new Error('no layer');
    const bytes = await drain(client.getBlob('team/app', layer.digest, { size: layer.size }));
    expect(sha256(bytes)).toBe(layer.digest);
    await pushRandomImage(client, 'team/app', 'v2');
    expect(bearer.tokenRequests).toContain('repository:team/app:pull,push');
    // one token per scope set, reused for every later request with that set
    const counts = new Map<string, number>();
    for (const scopes of bearer.tokenRequests) counts.set(scopes, (counts.get(scopes) ?? 0) + 1);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('lists the catalog with the registry:catalog:* scope and tags page by page', async () => {
    for (const tag of ['a', 'b', 'c', 'd']) await pushRandomImage(client, 'paged/repo', tag);
    const tags: string[] = [];
    for await (const tag of client.listTags('paged/repo', { pageSize: 1 })) tags.push(tag);
    expect(tags).toEqual(['a', 'b', 'c', 'd']);
    const repositories: string[] = [];
    for await (const name of client.listRepositories({ pageSize: 1 })) repositories.push(name);
    expect(repositories).toEqual(expect.arrayContaining(['paged/repo', 'team/app']));
    expect(bearer.tokenRequests).toContain('registry:catalog:*');
  });

  it('shares one token request among requests that need the same new scope at once', async () => {
    const fresh = createRegistryClient({ url: bearer.url, credentials: BEARER_USER });
    try {
      await fresh.headManifest('team/app', 'v1'); // learns the challenge
      const before = bearer.tokenRequests.length;
      const heads = await Promise.all(
        ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd'].map((tag) => fresh.headManifest('paged/repo', tag)),
      );
      expect(heads.every((head) => head !== undefined)).toBe(true);
      expect(bearer.tokenRequests.slice(before)).toEqual(['repository:paged/repo:pull']);
    } finally {
      fresh.close();
    }
  });

  it('fails with UNAUTHORIZED or TOKEN_FAILED with wrong credentials', async () => {
    const wrong = createRegistryClient({
      url: bearer.url,
      credentials: { username: 'ci', password: 'nope' },
    });
    await expect(wrong.getManifest('team/app', 'v1')).rejects.toMatchObject({ code: 'TOKEN_FAILED' });
    wrong.close();
  });
});

describe('uploads and manifests', () => {
  it('uploads in chunks, mounts across repositories and says when a blob exists', async () => {
    const direct = createRegistryClient({ url: plain.url });
    const bytes = randomBytes(300_000);
    const digest = sha256(bytes);
    expect(
      await direct.pushBlob(
        'src/a',
        { digest, size: bytes.length, open: () => bytes },
        { chunkSize: 65_536 },
      ),
    ).toBe('uploaded');
    expect(await direct.headBlob('src/a', digest)).toBe(bytes.length);
    expect(await direct.pushBlob('src/a', { digest, size: bytes.length, open: () => bytes })).toBe('exists');
    expect(
      await direct.pushBlob(
        'dst/b',
        { digest, size: bytes.length, open: () => bytes },
        { mountFrom: 'src/a' },
      ),
    ).toBe('mounted');
    expect(await direct.headBlob('dst/b', digest)).toBe(bytes.length);
    direct.close();
  });

  it('negotiates Docker and OCI manifests and answers HEAD with the digest', async () => {
    const direct = createRegistryClient({ url: plain.url });
    const docker = await pushRandomImage(direct, 'neg/docker', 'v1', { docker: true });
    const fetched = await direct.getManifest('neg/docker', 'v1');
    expect(fetched.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(await direct.headManifest('neg/docker', 'v1')).toMatchObject({ digest: docker.digest });
    expect(await direct.headManifest('neg/docker', 'missing')).toBeUndefined();
    await expect(direct.getManifest('neg/docker', 'missing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      ociCode: 'MANIFEST_UNKNOWN',
    });
    direct.close();
  });

  it('lists referrers through the referrers API, filtered by artifact type', async () => {
    const direct = createRegistryClient({ url: plain.url });
    const subject = await pushRandomImage(direct, 'ref/app', 'v1');
    const empty = Buffer.from('{}');
    await direct.pushBlob('ref/app', { digest: sha256(empty), size: 2, open: () => empty });
    const artifact = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.manifest.length },
      }),
    );
    const artifactDigest = await direct.putManifest(
      'ref/app',
      sha256(artifact),
      'application/vnd.oci.image.manifest.v1+json',
      artifact,
    );
    expect(await direct.listReferrers('ref/app', subject.digest)).toMatchObject([
      { digest: artifactDigest, artifactType: 'application/vnd.example.sbom' },
    ]);
    expect(await direct.listReferrers('ref/app', subject.digest, { artifactType: 'other/type' })).toEqual([]);
    direct.close();
  });
});

describe('faults between client and registry', () => {
  it('resumes a blob download cut mid-body with a Range request and verifies the whole', async () => {
    const direct = createRegistryClient({ url: plain.url });
    const image = await pushRandomImage(direct, 'flaky/app', 'v1', { layerSize: 3 * 1024 * 1024 });
    direct.close();
    const viaProxy = createRegistryClient({ url: proxy.url, retry: { delayMs: 10 } });
    const layer = image.layers[0];
    if (layer === undefined) throw new Error('no layer');
    proxy.dropBlobAfter(1024 * 1024);
    const bytes = await drain(viaProxy.getBlob('flaky/app', layer.digest, { size: layer.size }));
    expect(bytes.length).toBe(layer.size);
    expect(sha256(bytes)).toBe(layer.digest);
    const ranged = proxy.log.filter(
      (entry) => entry.path.includes(layer.digest) && entry.range !== undefined,
    );
    expect(ranged.length).toBe(1);
    expect(ranged[0]?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/bytes=(\d+)-/.exec(ranged[0]?.range ?? '')?.[1])).toBeGreaterThan(0);
    viaProxy.close();
  });

  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    const direct = createRegistryClient({ url: plain.url });
    await pushRandomImage(direct, 'busy/app', 'v1');
    direct.close();
    const retries: number[] = [];
    const viaProxy = createRegistryClient({
      url: proxy.url,
      retry: { delayMs: 10 },
      onRetry: (e) => retries.push(e.waitMs),
    });
    proxy.tooManyRequests(1, 1, /busy\/app\/manifests/);
    const started = Date.now();
    const manifest = await viaProxy.getManifest('busy/app', 'v1');
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries).toEqual([1000]);
    viaProxy.close();
  });

  it('gives up with UNREACHABLE after its retries when nothing listens', async () => {
    const dead = createRegistryClient({ url: 'http://127.0.0.1:9', retry: { maxRetries: 1, delayMs: 5 } });
    const error = await dead.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryClientError);
    expect((error as RegistryClientError).code).toBe('UNREACHABLE');
    dead.close();
  });
});
