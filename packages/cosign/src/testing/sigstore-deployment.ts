// A private sigstore deployment made offline for tests: a Fulcio-like CA (root + intermediate), a Rekor-like
// log, the trusted_root.json that describes them (protobuf-specs TrustedRoot v0.1, as `cosign trusted-root
// create` writes it), and keyless v0.3 bundles as cosign 3 makes them: the Fulcio leaf in
// `verificationMaterial.certificate` and a Rekor entry (hashedrekord for a message signature, dsse for an
// envelope) whose integratedTime falls inside the leaf's ten minutes.
import { createHash, sign, X509Certificate } from 'node:crypto';
import {
  type Authority,
  createIntermediateAuthority,
  createRootAuthority,
  issueLeaf,
  type KeylessIdentity,
  type Leaf,
} from './fulcio-certificates.js';
import { createRekorLog, logEntry, REKOR_URL, type RekorLog } from './rekor-log.js';

export const OIDC_ISSUER = 'https://accounts.test';
export const SIGNER_EMAIL = 'signer@example.com';
const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const TRUSTED_ROOT_V01 = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
const IN_TOTO = 'application/vnd.in-toto+json';
const MINUTE = 60_000;
const YEAR = 365 * 24 * 60 * MINUTE;

export interface SigstoreDeployment {
  root: Authority;
  /** The CA that issues leaves: the intermediate, or the root when there is none. */
  issuer: Authority;
  chain: Authority[];
  rekor: RekorLog;
  /** A CT log that Fulcio logs leaves to (its SCT embedded), when made with `ctLog: true`. */
  ctLog?: RekorLog;
  /** trusted_root.json for this deployment, as an object (JSON.stringify it to write the file). */
  trustedRoot(): Record<string, unknown>;
  /** A Fulcio leaf valid from one minute ago for ten minutes; an email identity by default. */
  issue(options?: { identity?: KeylessIdentity; oidcIssuer?: string; codeSigning?: boolean }): Leaf;
}

export function createSigstoreDeployment(
  options: { intermediate?: boolean; ctLog?: boolean } = {},
): SigstoreDeployment {
  const now = Date.now();
  const caValidity = { notBefore: new Date(now - YEAR), notAfter: new Date(now + 10 * YEAR) };
  const root = createRootAuthority('test fulcio root', caValidity);
  const intermediate =
    options.intermediate === false
      ? undefined
      : createIntermediateAuthority(root, 'test fulcio intermediate', caValidity);
  const issuer = intermediate ?? root;
  const chain = intermediate ? [intermediate, root] : [root];
  const rekor = createRekorLog();
  const validFrom = new Date(now - YEAR).toISOString();
  // A CT log key has the same shape as a Rekor key (P-256, log ID = SHA-256 of the DER key).
  const ctLog = options.ctLog ? createRekorLog() : undefined;
  const logOf = (log: RekorLog, baseUrl: string) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: log.publicKeyDer.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: validFrom },
    },
    logId: { keyId: log.logId.toString('base64') },
  });

  return {
    root,
    issuer,
    chain,
    rekor,
    ...(ctLog ? { ctLog } : {}),
    trustedRoot: () => ({
      mediaType: TRUSTED_ROOT_V01,
      tlogs: [logOf(rekor, REKOR_URL)],
      certificateAuthorities: [
        {
          subject: { organization: 'zot-ts test sigstore', commonName: 'test fulcio' },
          uri: 'https://fulcio.test',
          // Leaf-most first, root last, as in sigstore's own trusted_root.json.
          certChain: { certificates: chain.map((ca) => ({ rawBytes: ca.der.toString('base64') })) },
          validFor: { start: validFrom },
        },
      ],
      ctlogs: ctLog ? [logOf(ctLog, 'https://ctfe.test')] : [],
      timestampAuthorities: [],
    }),
    issue: (leaf = {}) =>
      issueLeaf(issuer, {
        identity: leaf.identity ?? { email: SIGNER_EMAIL },
        oidcIssuer: leaf.oidcIssuer ?? OIDC_ISSUER,
        notBefore: new Date(now - MINUTE),
        notAfter: new Date(now + 9 * MINUTE),
        ...(leaf.codeSigning === undefined ? {} : { codeSigning: leaf.codeSigning }),
        ...(ctLog ? { ctLog } : {}),
      }),
  };
}

export interface KeylessBundleOptions {
  /** When the log says it saw the signature; default now (inside the leaf's validity). */
  integratedTime?: Date;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const pemOf = (der: Buffer) => new X509Certificate(der).toString();

/** `cosign sign` keyless, message-signature form: a signature over `artifact`, logged as hashedrekord. */
export function keylessMessageBundle(
  deployment: SigstoreDeployment,
  leaf: Leaf,
  artifact: Uint8Array,
  options: KeylessBundleOptions = {},
): Record<string, unknown> {
  const digest = createHash('sha256').update(artifact).digest();
  const signature = sign('sha256', artifact, leaf.privateKey);
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
      signature: { content: b64(signature), publicKey: { content: b64(Buffer.from(pemOf(leaf.der))) } },
    },
  };
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: {
      certificate: { rawBytes: b64(leaf.der) },
      tlogEntries: [
        logEntry(deployment.rekor, {
          kind: 'hashedrekord',
          body,
          integratedTime: options.integratedTime ?? new Date(),
        }),
      ],
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: b64(digest) },
      signature: b64(signature),
    },
  };
}

/** `cosign sign` keyless (cosign 3): a DSSE envelope over an in-toto statement, logged as dsse. */
export function keylessDsseBundle(
  deployment: SigstoreDeployment,
  leaf: Leaf,
  statement: Buffer,
  options: KeylessBundleOptions = {},
): Record<string, unknown> {
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${IN_TOTO.length} ${IN_TOTO} ${statement.byteLength} `),
    statement,
  ]);
  const signature = sign('sha256', pae, leaf.privateKey);
  const envelope = { payload: b64(statement), payloadType: IN_TOTO, signatures: [{ sig: b64(signature) }] };
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: {
        algorithm: 'sha256',
        value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex'),
      },
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(statement).digest('hex') },
      signatures: [{ signature: b64(signature), verifier: b64(Buffer.from(pemOf(leaf.der))) }],
    },
  };
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: {
      certificate: { rawBytes: b64(leaf.der) },
      tlogEntries: [
        logEntry(deployment.rekor, {
          kind: 'dsse',
          body,
          integratedTime: options.integratedTime ?? new Date(),
        }),
      ],
    },
    dsseEnvelope: envelope,
  };
}
