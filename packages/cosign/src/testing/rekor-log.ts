// A stand-in for Rekor (v1) in tests: a P-256 log key whose log ID is the SHA-256 of its DER public key,
// and log entries as a bundle carries them: the canonicalised body, a signed entry timestamp (SET, the
// "inclusion promise": the log's signature over the canonical JSON {body, integratedTime, logID, logIndex})
// and an inclusion proof in a two-leaf tree whose root is committed to by a signed checkpoint
// (transparency-dev/formats log/README.md; RFC 6962 hashing).
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export const REKOR_URL = 'https://rekor.test';
const REKOR_ORIGIN = 'rekor.test - 1193050959916656506';

export interface RekorLog {
  privateKey: KeyObject;
  publicKeyDer: Buffer;
  logId: Buffer;
}

export function createRekorLog(): RekorLog {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKeyDer, logId: createHash('sha256').update(publicKeyDer).digest() };
}

/** RFC 8785-style canonical JSON for the plain objects used here: keys sorted, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafHash = (leaf: Uint8Array) => sha256(Buffer.from([0]), leaf);
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Buffer.from([1]), left, right);

export interface LogEntryInput {
  kind: 'hashedrekord' | 'dsse';
  /** The Rekor entry body (apiVersion, kind, spec); canonicalised as Rekor stores it. */
  body: object;
  integratedTime: Date;
}

/** A TransparencyLogEntry in protobuf-specs JSON, as it sits in `verificationMaterial.tlogEntries`. */
export function logEntry(log: RekorLog, input: LogEntryInput): Record<string, unknown> {
  const body = Buffer.from(canonicalJson(input.body));
  const integratedTime = Math.floor(input.integratedTime.getTime() / 1000);
  const logIndex = 1;
  const promise = canonicalJson({
    body: body.toString('base64'),
    integratedTime,
    logID: log.logId.toString('hex'),
    logIndex,
  });
  const signedEntryTimestamp = sign('sha256', Buffer.from(promise), log.privateKey);

  // Our entry is leaf 1 of a two-leaf tree; its proof is the hash of leaf 0.
  const sibling = leafHash(Buffer.from('an earlier entry'));
  const rootHash = nodeHash(sibling, leafHash(body));
  const note = `${REKOR_ORIGIN}\n2\n${rootHash.toString('base64')}\n`;
  const noteSignature = Buffer.concat([
    log.logId.subarray(0, 4),
    sign('sha256', Buffer.from(note), log.privateKey),
  ]);
  return {
    logIndex: String(logIndex),
    logId: { keyId: log.logId.toString('base64') },
    kindVersion: { kind: input.kind, version: '0.0.1' },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: signedEntryTimestamp.toString('base64') },
    inclusionProof: {
      logIndex: String(logIndex),
      rootHash: rootHash.toString('base64'),
      treeSize: '2',
      hashes: [sibling.toString('base64')],
      checkpoint: { envelope: `${note}\n\u2014 rekor.test ${noteSignature.toString('base64')}\n` },
    },
    canonicalizedBody: body.toString('base64'),
  };
}
