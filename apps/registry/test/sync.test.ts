// extensions.sync end to end, through real servers started once: Debian's docker-registry (distribution 2.8.2,
// htpasswd + TLS from a test CA, credentialsFile + certDir) as the periodic upstream, with zot #4003's exact
// rule (prefix a/**, destination /mirror, stripPrefix, a tag regex that must see the upstream name) and Docker
// manifests converted to OCI; a second zot-ts behind a fault proxy as the on-demand upstream, reached after a
// dead first URL (failover), with a referrer brought along, coalesced concurrent pulls, a 429 with
// Retry-After, a blob cut mid-body, and skopeo pulling byte-identical manifests through the mirror.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRegistryClient, type RegistryClient } from '@zot-ts/oci-client';
import {
  type FaultProxy,
  makeTestCa,
  pushRandomImage,
  type RunningDistribution,
  startDistribution,
  startFaultProxy,
} from '@zot-ts/oci-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry, until } from './helpers.js';

// async: the mirror serves from this process, so a synchronous child would block it (and hang)
const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let directory: string;
let distribution: RunningDistribution;
let upstreamZot: TestRegistry;
let proxy: FaultProxy;
let mirror: TestRegistry;
let toDistribution: RegistryClient;
let toZot: RegistryClient;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-sync-'));
  const ca = makeTestCa(directory);
  distribution = await startDistribution(directory, ca);
  upstreamZot = await startTestRegistry();
  proxy = await startFaultProxy(upstreamZot.url);
  toDistribution = createRegistryClient({
    url: distribution.url,
    credentials: { username: distribution.username, password: distribution.password },
    tls: { certDir: ca.certDir },
  });
  toZot = createRegistryClient({ url: upstreamZot.url });
  // the periodic upstream's content before the mirror starts
  await pushRandomImage(toDistribution, 'a/x', 'v1.0', { docker: true, layers: 2 });
  await pushRandomImage(toDistribution, 'a/x', 'v2.0', { docker: true });
  await pushRandomImage(toDistribution, 'b/y', 'v1.0', { docker: true });
  const credentialsFile = join(directory, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      [`127.0.0.1:${distribution.port}`]: {
        username: distribution.username,
        password: distribution.password,
      },
    }),
  );
  mirror = await startTestRegistry({
    extensions: {
      metrics: { enable: true },
      sync: {
        credentialsFile,
        registries: [
          {
            urls: [distribution.url],
            pollInterval: '1h',
            certDir: ca.certDir,
            maxRetries: 1,
            retryDelay: '10ms',
            content: [
              { prefix: 'a/**', destination: '/mirror', stripPrefix: true, tags: { regex: '^v1\\.' } },
            ],
          },
          {
            urls: ['http://127.0.0.1:9', proxy.url],
            onDemand: true,
            tlsVerify: false,
            maxRetries: 2,
            retryDelay: '10ms',
            content: [{ prefix: 'lib/**' }],
          },
        ],
      },
    },
  });
}, 60_000);
afterAll(async () => {
  toDistribution?.close();
  toZot?.close();
  await mirror?.dispose();
  await proxy?.close();
  await upstreamZot?.dispose();
  await distribution?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('periodic sync from distribution 2.8.2 (htpasswd, TLS, credentialsFile, certDir)', () => {
  it('#4003: filters tags on the upstream name, lands them under the destination, converted to OCI', async () => {
    const answer = await until(async () => {
      const response = await fetch(`${mirror.url}/v2/mirror/x/manifests/v1.0`);
      return response.status === 200 ? response : undefined;
    }, 20_000);
    expect(answer.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    const manifest = JSON.parse(await answer.text()) as { config: { mediaType: string }; layers: unknown[] };
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers).toHaveLength(2);
    const tags = (await (await fetch(`${mirror.url}/v2/mirror/x/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1.0']);
    // b/y is outside every rule
    expect((await fetch(`${mirror.url}/v2/b/y/tags/list`)).status).toBe(404);
    const metrics = await (await fetch(`${mirror.url}/metrics`)).text();
    expect(metrics).toMatch(
      /zot_sync_images_total\{upstream="https:\/\/127\.0\.0\.1:\d+",outcome="synced"\} 1/,
    );
  });
});

describe('on-demand sync from zot-ts behind a fault proxy, after a dead first URL', () => {
  it('fetches a missing image on pull, with its referrer, byte for byte', async () => {
    const image = await pushRandomImage(toZot, 'lib/app', 'v1', { layers: 2, layerSize: 2 * 1024 * 1024 });
    const empty = Buffer.from('{}');
    await toZot.pushBlob('lib/app', { digest: sha256(empty), size: 2, open: () => empty });
    const bundle = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 }],
        subject: { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length },
      }),
    );
    const bundleDigest = await toZot.putManifest(
      'lib/app',
      sha256(bundle),
      'application/vnd.oci.image.manifest.v1+json',
      bundle,
    );
    proxy.dropBlobAfter(512 * 1024);
    const pulled = await fetch(`${mirror.url}/v2/lib/app/manifests/v1`);
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('docker-content-digest')).toBe(image.digest);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(image.manifest)).toBe(true);
    // the cut blob was resumed with a Range request
    expect(proxy.log.some((entry) => entry.range !== undefined && entry.path.includes('/blobs/'))).toBe(true);
    const referrers = (await (await fetch(`${mirror.url}/v2/lib/app/referrers/${image.digest}`)).json()) as {
      manifests: Array<{ digest: string }>;
    };
    expect(referrers.manifests.map((m) => m.digest)).toEqual([bundleDigest]);
  }, 30_000);

  it('coalesces concurrent pulls of one tag into one upstream fetch, and honours a 429', async () => {
    await pushRandomImage(toZot, 'lib/burst', 'v1');
    proxy.tooManyRequests(1, 1, /lib\/burst\/manifests/);
    const before = proxy.log.length;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${mirror.url}/v2/lib/burst/manifests/v1`)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const tagGets = proxy.log
      .slice(before)
      .filter((e) => e.method === 'GET' && e.path === '/v2/lib/burst/manifests/v1');
    // one 429, then one successful fetch: not five
    expect(tagGets.map((e) => e.status)).toEqual([429, 200]);
  }, 30_000);

  it('answers 404 for an image no upstream has', async () => {
    expect((await fetch(`${mirror.url}/v2/lib/none/manifests/v1`)).status).toBe(404);
  });

  it('lets skopeo pull byte-identical manifests through the mirror', async () => {
    await pushRandomImage(toZot, 'lib/skopeo', 'v1', { layers: 3 });
    const raw = async (url: string) =>
      sha256(
        Buffer.from(
          (
            await run(
              'skopeo',
              [
                'inspect',
                '--raw',
                '--tls-verify=false',
                `docker://${url.replace('http://', '')}/lib/skopeo:v1`,
              ],
              { encoding: 'buffer', timeout: 20_000 },
            )
          ).stdout,
        ),
      );
    const throughMirror = await raw(mirror.url);
    expect(throughMirror).toBe(await raw(upstreamZot.url));
    const pulled = join(directory, 'pulled');
    await run(
      'skopeo',
      [
        'copy',
        '--src-tls-verify=false',
        `docker://${mirror.url.replace('http://', '')}/lib/skopeo:v1`,
        `dir:${pulled}`,
      ],
      { timeout: 20_000 },
    );
    // the pulled manifest is the upstream's, byte for byte, and every blob matches its digest
    expect(sha256(readFileSync(join(pulled, 'manifest.json')))).toBe(throughMirror);
    const blobs = readdirSync(pulled).filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(blobs.length).toBe(4); // config + 3 layers
    for (const name of blobs) expect(sha256(readFileSync(join(pulled, name)))).toBe(`sha256:${name}`);
  }, 30_000);
});
