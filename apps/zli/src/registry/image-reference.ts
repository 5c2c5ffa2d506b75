// `repo:tag` and `repo@sha256:...` as users type them on the command line.

export interface ImageReference {
  readonly repository: string;
  /** A tag or a digest: what goes after /manifests/. */
  readonly reference: string;
  readonly isDigest: boolean;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function parseImageReference(text: string): ImageReference | undefined {
  const at = text.indexOf('@');
  if (at > 0) {
    const digest = text.slice(at + 1);
    return DIGEST.test(digest)
      ? { repository: text.slice(0, at), reference: digest, isDigest: true }
      : undefined;
  }
  // The tag follows the last colon after the last slash (a registry host may carry a port).
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon < text.lastIndexOf('/')) return undefined;
  const tag = text.slice(colon + 1);
  return TAG.test(tag) ? { repository: text.slice(0, colon), reference: tag, isDigest: false } : undefined;
}
