// The background trust verification on its own: bounded concurrency, one verification per queued pair, the
// outcome mapped per signature layer, and unchanged outcomes not written again. The metadata store and the
// verifier are small in-memory stand-ins; the real server path is in test/search-trust*.test.ts.
import type { ManifestSignatures } from '@zot-ts/cosign';
import type { MetaStore, RepoMeta, SignatureInfo } from '@zot-ts/metastore';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../log-sink.js';
import { createTrustSync, type SignatureTrustSource } from './metadata-trust.js';

const digestOf = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const KEY = {
  fingerprint: 'sha256:key',
  algorithm: 'ecdsa-p256',
  pem: '-----BEGIN PUBLIC KEY-----\nk\n',
} as const;

function fixture(images: number) {
  const repo: RepoMeta = {
    name: 'team/app',
    tags: {},
    statistics: {},
    signatures: {},
    referrers: {},
    platforms: [],
    vendors: [],
    size: 0,
    starCount: 0,
    downloadCount: 0,
  };
  for (let n = 0; n < images; n++) {
    repo.signatures[digestOf(n)] = {
      cosign: [
        {
          signatureManifestDigest: digestOf(1000 + n),
          layers: [
            { layerDigest: digestOf(2000 + n), verified: false },
            { layerDigest: digestOf(3000 + n), verified: false },
          ],
        },
      ],
    };
  }
  const writes: { digest: string; signature: SignatureInfo }[] = [];
  const metaStore = {
    repos: {
      getRepoMeta: async () => structuredClone(repo),
      listRepoMetas: async () => [structuredClone(repo)],
      updateSignatureTrust: async (_r: string, digest: string, _t: string, signature: SignatureInfo) => {
        writes.push({ digest, signature });
        const list = repo.signatures[digest]?.cosign ?? [];
        list[0] = structuredClone(signature);
      },
    },
  } as unknown as MetaStore;
  let running = 0;
  let most = 0;
  const calls: string[] = [];
  const source: SignatureTrustSource = {
    async status(_repository, digest): Promise<ManifestSignatures> {
      calls.push(digest);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      const n = Number.parseInt(digest.slice(7), 16);
      // the first layer verifies with the trusted key, the second is another key's
      return {
        digest,
        signed: true,
        trusted: true,
        signatures: [
          {
            tool: 'cosign',
            kind: 'cosign-signature',
            status: 'trusted',
            trusted: true,
            manifestDigest: digestOf(1000 + n),
            layerDigest: digestOf(2000 + n),
            keyFingerprint: KEY.fingerprint,
          },
          {
            tool: 'cosign',
            kind: 'cosign-signature',
            status: 'untrusted',
            trusted: false,
            manifestDigest: digestOf(1000 + n),
            layerDigest: digestOf(3000 + n),
          },
        ],
      };
    },
    trustedKeys: async () => [KEY],
    onTrustChanged: () => () => undefined,
  };
  const silent = { warn: () => undefined } as unknown as Logger;
  const sync = createTrustSync({
    metaStore,
    source,
    settled: async () => undefined,
    logger: silent,
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { sync, writes, calls, most: () => most };
}

describe('createTrustSync', () => {
  it('verifies every signed image with at most two at a time and stores the outcome per layer', async () => {
    const { sync, writes, most } = fixture(12);
    sync.scheduleAll();
    await sync.idle();
    expect(most()).toBe(2);
    expect(writes).toHaveLength(12);
    const first = writes.find((write) => write.digest === digestOf(0));
    expect(first?.signature.layers).toEqual([
      {
        layerDigest: digestOf(2000),
        verified: true,
        signer: KEY.pem,
        signatureKey: KEY.pem,
        checkedAt: new Date('2026-01-01T00:00:00Z'),
      },
      { layerDigest: digestOf(3000), verified: false, checkedAt: new Date('2026-01-01T00:00:00Z') },
    ]);
  });

  it('verifies a pair queued many times once, and writes nothing when the outcome is the same', async () => {
    const { sync, writes, calls } = fixture(1);
    for (let i = 0; i < 5; i++) {
      sync.onStoreEvent({
        type: 'manifestPut',
        repository: 'team/app',
        digest: digestOf(1000),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        subject: digestOf(0),
      });
    }
    await sync.idle();
    expect(calls).toEqual([digestOf(0)]);
    expect(writes).toHaveLength(1);
    // a key upload re-checks everything: the same verdicts are not written again
    sync.scheduleAll();
    await sync.idle();
    expect(calls).toHaveLength(2);
    expect(writes).toHaveLength(1);
  });

  it('schedules the digest a legacy `.sig` tag names, and nothing after close', async () => {
    const { sync, calls } = fixture(1);
    sync.onStoreEvent({
      type: 'manifestPut',
      repository: 'team/app',
      digest: digestOf(1000),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      tag: `${digestOf(0).replace(':', '-')}.sig`,
    });
    await sync.idle();
    expect(calls).toEqual([digestOf(0)]);
    await sync.close();
    sync.scheduleAll();
    await sync.idle();
    expect(calls).toHaveLength(1);
  });
});
