// The client against a real peer: Debian's docker-registry (CNCF distribution 2.8.2) with htpasswd auth and
// TLS from a CA made here. Basic auth learned from the challenge, TLS trust from a certs.d directory (or
// tlsVerify off), Docker manifests, tag paging with Link headers, and the referrers tag-schema fallback
// (distribution 2.8 has no referrers API).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, isTlsFailure, type RegistryClient } from '../src/index.js';
import {
  DISTRIBUTION_BINARY,
  makeTestCa,
  pushRandomImage,
  type RunningDistribution,
  startDistribution,
  type TestCa,
} from '../src/testing/index.js';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

if (!existsSync(DISTRIBUTION_BINARY))
  throw new Error(`${DISTRIBUTION_BINARY} missing: apt-get install -y docker-registry`);

let directory: string;
let ca: TestCa;
let upstream: RunningDistribution;
let client: RegistryClient;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'oci-client-distribution-'));
  ca = makeTestCa(directory);
  upstream = await startDistribution(directory, ca);
  client = createRegistryClient({
    url: upstream.url,
    credentials: { username: upstream.username, password: upstream.password },
    tls: { certDir: ca.certDir },
    retry: { delayMs: 20 },
  });
});
afterAll(async () => {
  client?.close();
  await upstream?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('against distribution 2.8.2 with htpasswd and TLS', () => {
  it('pings with Basic credentials learned from the challenge, trusting the CA from certDir', async () => {
    await client.ping();
  });

  it('refuses the certificate without the CA, and accepts it with tlsVerify false', async () => {
    const untrusting = createRegistryClient({ url: upstream.url, retry: { maxRetries: 0 } });
    const refused = await untrusting.ping().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/certificate/) });
    expect(isTlsFailure(refused)).toBe(true);
    untrusting.close();
    const lax = createRegistryClient({
      url: upstream.url,
      credentials: { username: upstream.username, password: upstream.password },
      tls: { verify: false },
    });
    await lax.ping();
    lax.close();
  });

  it('answers UNAUTHORIZED for a wrong password', async () => {
    const wrong = createRegistryClient({
      url: upstream.url,
      credentials: { username: 'mirror', password: 'x' },
      tls: { certDir: ca.certDir },
    });
    await expect(wrong.ping()).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    wrong.close();
  });

  it('pushes chunked and monolithic, pulls a Docker manifest and a verified blob', async () => {
    const image = await pushRandomImage(client, 'lib/docker', 'v1', {
      docker: true,
      layers: 2,
      layerSize: 200_000,
      chunkSize: 65_536,
    });
    const fetched = await client.getManifest('lib/docker', 'v1');
    expect(fetched.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(fetched.digest).toBe(image.digest);
    const layer = image.layers[1];
    if (layer === undefined) throw new Error('no layer');
    const chunks: Buffer[] = [];
    for await (const chunk of client.getBlob('lib/docker', layer.digest, { size: layer.size }))
      chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(layer.digest);
  });

  it('pages tags and the catalog through Link headers', async () => {
    for (const tag of ['1.0.0', '1.1.0', '2.0.0']) await pushRandomImage(client, 'lib/paged', tag);
    const tags: string[] = [];
    for await (const tag of client.listTags('lib/paged', { pageSize: 1 })) tags.push(tag);
    // distribution 2.8 pages tags in its own order; every tag comes exactly once
    expect(tags.sort()).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    const names: string[] = [];
    for await (const name of client.listRepositories({ pageSize: 1 })) names.push(name);
    expect(names).toEqual(expect.arrayContaining(['lib/docker', 'lib/paged']));
  });

  it('falls back to the tag schema for referrers when the API is missing', async () => {
    const subject = await pushRandomImage(client, 'lib/signed', 'v1');
    expect(await client.listReferrers('lib/signed', subject.digest)).toEqual([]);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: subject.digest,
            size: subject.manifest.length,
            artifactType: 'application/example',
          },
        ],
      }),
    );
    await client.putManifest(
      'lib/signed',
      subject.digest.replace(':', '-'),
      'application/vnd.oci.image.index.v1+json',
      index,
    );
    expect(await client.listReferrers('lib/signed', subject.digest)).toMatchObject([
      { artifactType: 'application/example' },
    ]);
  });
});
