// How one manifest changes a repository's signatures and referrers (zot's AddManifestSignature, DeleteSignature
// and the referrer bookkeeping of SetRepoReference/RemoveRepoReference), on a RepoMeta record in hand.
import {
  artifactTypeOf,
  bodyOf,
  recogniseSignature,
  stringMap,
  subjectDigestOf,
} from './repo-meta-derive.js';
import type { ImageMeta, RepoMeta, SignatureInfo } from './repo-meta-types.js';

/** Records `image` as a signature when it is one (cosign/notation referrer, cosign .sig tag); false otherwise. */
export function addSignature(repo: RepoMeta, reference: string, image: ImageMeta): boolean {
  const signature = recogniseSignature(reference, image);
  if (!signature) return false;
  const layers = image.manifests[0]?.manifest.layers;
  const info: SignatureInfo = {
    signatureManifestDigest: image.digest,
    layers: (Array.isArray(layers) ? layers : []).flatMap((layer) =>
      typeof layer?.digest === 'string' ? [{ layerDigest: layer.digest as string, verified: false }] : [],
    ),
  };
  if (signature.tag) info.signatureTag = signature.tag;
  const bySigned = repo.signatures[signature.signedDigest] ?? {};
  const list = bySigned[signature.tool] ?? [];
  const existing = list.findIndex(
    (entry) =>
      entry.signatureManifestDigest === info.signatureManifestDigest ||
      // zot: a legacy `.sig` tag has one entry, overwritten when the tag moves to a new signature manifest.
      (info.signatureTag !== undefined && entry.signatureTag === info.signatureTag),
  );
  if (existing >= 0) list[existing] = info;
  else list.push(info);
  bySigned[signature.tool] = list;
  repo.signatures[signature.signedDigest] = bySigned;
  return true;
}

export function removeSignature(repo: RepoMeta, reference: string, image: ImageMeta): boolean {
  const signature = recogniseSignature(reference, image);
  if (!signature) return false;
  const bySigned = repo.signatures[signature.signedDigest];
  const list = bySigned?.[signature.tool];
  if (bySigned && list) {
    const kept = list.filter((entry) => entry.signatureManifestDigest !== image.digest);
    if (kept.length > 0) bySigned[signature.tool] = kept;
    else delete bySigned[signature.tool];
  }
  return true;
}

export function addReferrer(repo: RepoMeta, image: ImageMeta): void {
  const body = bodyOf(image);
  const subject = subjectDigestOf(body);
  if (!body || !subject) return;
  const list = (repo.referrers[subject] ?? []).filter((entry) => entry.digest !== image.digest);
  list.push({
    digest: image.digest,
    mediaType: image.mediaType,
    artifactType: artifactTypeOf(body),
    size: image.size,
    annotations: stringMap(body.annotations),
  });
  repo.referrers[subject] = list;
}

export function removeReferrer(repo: RepoMeta, image: ImageMeta): void {
  const subject = subjectDigestOf(bodyOf(image));
  const list = subject === undefined ? undefined : repo.referrers[subject];
  if (subject === undefined || !list) return;
  repo.referrers[subject] = list.filter((entry) => entry.digest !== image.digest);
}

export function forgetManifest(repo: RepoMeta, manifestDigest: string): void {
  for (const bySigned of Object.values(repo.signatures)) {
    for (const tool of ['cosign', 'notation'] as const) {
      const list = bySigned[tool];
      if (!list) continue;
      const kept = list.filter((entry) => entry.signatureManifestDigest !== manifestDigest);
      if (kept.length > 0) bySigned[tool] = kept;
      else delete bySigned[tool];
    }
  }
  for (const [subject, list] of Object.entries(repo.referrers)) {
    repo.referrers[subject] = list.filter((entry) => entry.digest !== manifestDigest);
  }
}
