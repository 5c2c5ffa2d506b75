// distribution-spec pagination: a `Link: <url>; rel="next"` header (RFC 8288) carries the next page,
// relative to the registry or absolute.

export function nextPageUrl(linkHeader: string | undefined, currentUrl: string): string | undefined {
  if (linkHeader === undefined) return undefined;
  for (const part of linkHeader.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null) continue;
    const [, target = '', params = ''] = match;
    if (/(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(params)) return new URL(target, currentUrl).toString();
  }
  return undefined;
}
