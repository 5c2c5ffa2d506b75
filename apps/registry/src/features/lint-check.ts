// zot's linter (pkg/extensions/lint/lint.go, applied by storage/common.ApplyLinter): an OCI image manifest
// must carry every mandatory annotation, either in its own annotations or as a label of its image config.
// Only `application/vnd.oci.image.manifest.v1+json` is linted (indexes and Docker manifests pass), and
// signatures pass: cosign's `sha256-<hex>.sig` tags, cosign and notation artifact types.
import { type ManifestPush, OciHttpError } from '@zot-ts/oci-api';
import { digestOf, parseManifest, type RepositoryStore } from '@zot-ts/oci-store';

const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** zot pkg/common: ArtifactTypeNotation, ArtifactTypeCosign, ArtifactTypeCosignBundle. */
const SIGNATURE_ARTIFACT_TYPES = new Set([
  'application/vnd.cncf.notary.signature',
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
]);
/** Largest image config read for its labels. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface LintVerdict {
  digest: string;
  /** Empty when the push passes. */
  missing: string[];
  configDigest?: string;
}

function isCosignSignatureTag(tag: string | undefined): boolean {
  return tag?.startsWith('sha256-') === true && tag.endsWith('.sig');
}

async function readJson(repository: RepositoryStore, digest: string): Promise<unknown> {
  const info = await repository.blobs.stat(digest);
  if (info.size > MAX_CONFIG_BYTES) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await repository.blobs.read(digest)) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Would the push change the index? zot lints only then: re-pushing what is already there passes. */
async function alreadyStored(repository: RepositoryStore, push: ManifestPush, digest: string) {
  const references = push.tags.length > 0 ? push.tags : [digest];
  for (const reference of references) {
    const current = await repository.manifests.stat(reference).catch(() => undefined);
    if (current?.digest !== digest) return false;
  }
  return true;
}

export async function lintManifest(
  repository: RepositoryStore,
  push: ManifestPush,
  mandatory: readonly string[],
): Promise<LintVerdict | undefined> {
  if (mandatory.length === 0 || push.mediaType !== OCI_IMAGE_MANIFEST) return undefined;
  // a body that does not parse is the store's to refuse, with its own reason
  const summary = (() => {
    try {
      return parseManifest(push.mediaType, push.content);
    } catch {
      return undefined;
    }
  })();
  if (summary === undefined) return undefined;
  if (isCosignSignatureTag(push.tags[0])) return undefined;
  if (summary.artifactType !== undefined && SIGNATURE_ARTIFACT_TYPES.has(summary.artifactType))
    return undefined;
  const digest = digestOf(push.content, 'sha256');
  if (await alreadyStored(repository, push, digest)) return undefined;

  const present = new Set(Object.keys(summary.annotations ?? {}));
  let missing = mandatory.filter((key) => !present.has(key));
  if (missing.length === 0) return { digest, missing };
  const configDigest = summary.config?.digest;
  if (configDigest === undefined) return { digest, missing };
  // a missing config blob is the store's MANIFEST_BLOB_UNKNOWN, not a lint failure
  const config = await readJson(repository, configDigest).catch(() => null);
  if (config === null) return undefined;
  const labels = (config as { config?: { Labels?: Record<string, unknown> } } | undefined)?.config?.Labels;
  if (labels !== undefined && labels !== null && typeof labels === 'object') {
    const labelled = new Set(Object.keys(labels));
    missing = missing.filter((key) => !labelled.has(key));
  }
  return { digest, missing, configDigest };
}

/** zot's refusal: 400 MANIFEST_INVALID, detail `missingAnnotations` in zot's wording, and the reference. */
export function lintRefusal(push: ManifestPush, verdict: LintVerdict): OciHttpError {
  const zotWording =
    `\nlinter: manifest ${verdict.digest}\nor config ${verdict.configDigest ?? ''}\n` +
    `is missing the next annotations: [${verdict.missing.join(' ')}]`;
  return new OciHttpError('MANIFEST_INVALID', {
    message: `manifest invalid: missing mandatory annotations: ${verdict.missing.join(', ')}`,
    detail: { reference: push.reference, missingAnnotations: zotWording, missing: verdict.missing },
  });
}
