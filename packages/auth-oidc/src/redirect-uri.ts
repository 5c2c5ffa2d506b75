// The redirect URI registered at the provider for each provider name: `<externalUrl>/zot/auth/callback/<name>`.

/** The `<provider>` of `.../zot/auth/callback/<provider>`, percent-decoded as redirectUriFor encoded it. */
export function providerNameInPath(pathname: string): string | undefined {
  const encoded = /\/callback\/([^/]+)\/?$/.exec(pathname)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

export function redirectUriFor(base: string, providerName: string): string {
  return `${base}/zot/auth/callback/${encodeURIComponent(providerName)}`;
}
