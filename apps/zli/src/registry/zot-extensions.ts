// The shapes of two registry extensions the client reads, and their parsing:
// - extension discovery, `GET /v2/_oci/ext/discover` (OCI distribution-spec extensions proposal, as zot
//   serves it): `{"extensions":[{"name":"_zot","endpoints":["/v2/_zot/ext/signatures", ...]}]}`;
// - signature verification results, `GET /v2/_zot/ext/signatures/<name>/<digest>` (this registry's endpoint,
//   docs/signing.md): whether a manifest is signed, trusted, and the status of each signature.
// Parsing is lenient on purpose: unknown fields are dropped, wrong types become absent, so a newer
// registry cannot break the listing of images.

export interface RegistryExtension {
  readonly name: string;
  readonly endpoints: readonly string[];
}

/** One signature of a manifest, as the registry verified it. */
export interface SignatureReport {
  readonly tool: string;
  readonly kind: string;
  /** `trusted`, `untrusted` or `invalid`. */
  readonly status: string;
  readonly trusted: boolean;
  /** The signature manifest (the `.sig` image or the referrer). */
  readonly manifestDigest: string;
  readonly keyFingerprint?: string;
  readonly identity?: { readonly subjectAlternativeName?: string; readonly issuer?: string };
  readonly predicateType?: string;
  /** Notation: the signing certificate's subject ("CN=...,O=...,C=..."), as zot reports the author. */
  readonly signer?: string;
  readonly reason?: string;
}

export interface SignatureVerification {
  readonly digest: string;
  /** At least one signature was found, trusted or not (zot's IsSigned). */
  readonly signed: boolean;
  /** At least one signature verifies with a trusted key or the trusted root. */
  readonly trusted: boolean;
  readonly signatures: readonly SignatureReport[];
}

/** The endpoint whose presence in discovery says verification results can be asked. */
export const SIGNATURES_ENDPOINT = '/v2/_zot/ext/signatures';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString<K extends string>(source: Record<string, unknown>, key: K): { [P in K]?: string } {
  const value = source[key];
  return (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

export function parseDiscovery(body: unknown): RegistryExtension[] {
  const extensions = isRecord(body) ? body.extensions : undefined;
  if (!Array.isArray(extensions)) return [];
  return extensions.filter(isRecord).map((extension) => ({
    name: typeof extension.name === 'string' ? extension.name : '',
    endpoints: Array.isArray(extension.endpoints)
      ? extension.endpoints.filter((endpoint): endpoint is string => typeof endpoint === 'string')
      : [],
  }));
}

function parseReport(entry: Record<string, unknown>): SignatureReport {
  const identity = isRecord(entry.identity)
    ? {
        identity: {
          ...optionalString(entry.identity, 'subjectAlternativeName'),
          ...optionalString(entry.identity, 'issuer'),
        },
      }
    : {};
  return {
    tool: typeof entry.tool === 'string' ? entry.tool : 'unknown',
    kind: typeof entry.kind === 'string' ? entry.kind : 'unknown',
    status:
      typeof entry.status === 'string' ? entry.status : entry.trusted === true ? 'trusted' : 'untrusted',
    trusted: entry.trusted === true,
    manifestDigest: typeof entry.manifestDigest === 'string' ? entry.manifestDigest : '',
    ...optionalString(entry, 'keyFingerprint'),
    ...identity,
    ...optionalString(entry, 'predicateType'),
    ...optionalString(entry, 'signer'),
    ...optionalString(entry, 'reason'),
  };
}

export function parseSignatureVerification(body: unknown, digest: string): SignatureVerification {
  const record = isRecord(body) ? body : {};
  const signatures = Array.isArray(record.signatures)
    ? record.signatures.filter(isRecord).map(parseReport)
    : [];
  return {
    digest: typeof record.digest === 'string' ? record.digest : digest,
    signed: record.signed === true || signatures.length > 0,
    trusted: record.trusted === true || signatures.some((signature) => signature.trusted),
    signatures,
  };
}
