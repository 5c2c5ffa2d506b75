// Just enough cookie handling for the short-lived login-state cookie (RFC 6265).

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (header === null) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

export interface CookieAttributes {
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

/**
 * HttpOnly so scripts cannot read it; SameSite=Lax because the provider sends the browser back with
 * a top-level cross-site GET, which Lax cookies survive and Strict ones do not.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [
    `${name}=${value}`,
    `Path=${attributes.path}`,
    `Max-Age=${attributes.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}
