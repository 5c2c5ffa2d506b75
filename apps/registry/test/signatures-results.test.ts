// The metastore adapter of the signatures feature: a result read back is the one stored, a record it cannot
// read back is recomputed rather than half-used, and a deleted image's record is forgotten.
import { createMemoryMetaStore } from '@zot-ts/metastore';
import { describe, expect, it } from 'vitest';
import { persistedSignatureResults } from '../src/features/signatures-results.js';

const digest = `sha256:${'a'.repeat(64)}`;
const result = {
  digest,
  signed: true,
  trusted: true,
  signatures: [
    {
      tool: 'cosign' as const,
      kind: 'cosign-signature' as const,
      status: 'trusted' as const,
      trusted: true,
      manifestDigest: `sha256:${'b'.repeat(64)}`,
      keyFingerprint: 'SHA256:abc',
    },
  ],
};

describe('persistedSignatureResults', () => {
  it('reads back what it stored, keyed by repository and digest', async () => {
    const metaStore = createMemoryMetaStore();
    const persisted = persistedSignatureResults(metaStore.signatureResults);
    const checkedAt = new Date('2026-01-01T00:00:00Z');
    await persisted.put('team/app', digest, { basis: 'b1', checkedAt, result });
    expect(await persisted.get('team/app', digest)).toEqual({ basis: 'b1', checkedAt, result });
    expect(await persisted.get('team/other', digest)).toBeUndefined();
    const record = await metaStore.signatureResults.get(`team/app@${digest}`);
    expect(record?.verified).toBe(true);
    expect(record?.signatures[0]).toMatchObject({ tool: 'cosign', verified: true, signer: 'SHA256:abc' });
  });

  it('ignores records without a basis or with a report it cannot read', async () => {
    const metaStore = createMemoryMetaStore();
    const persisted = persistedSignatureResults(metaStore.signatureResults);
    const base = { manifestDigest: `team/app@${digest}`, checkedAt: new Date(), verified: true };
    await metaStore.signatureResults.put({ ...base, signatures: [] });
    expect(await persisted.get('team/app', digest)).toBeUndefined();
    await metaStore.signatureResults.put({
      ...base,
      basis: 'b1',
      signatures: [{ tool: 'cosign', verified: true, detail: 'not json' }],
    });
    expect(await persisted.get('team/app', digest)).toBeUndefined();
  });

  it('forgets the record of a deleted image', async () => {
    const metaStore = createMemoryMetaStore();
    const persisted = persistedSignatureResults(metaStore.signatureResults);
    await persisted.put('team/app', digest, { basis: 'b1', checkedAt: new Date(), result });
    await persisted.forget('team/app', digest);
    expect(await metaStore.signatureResults.get(`team/app@${digest}`)).toBeUndefined();
  });
});
