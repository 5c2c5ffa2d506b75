// Parsing of the Authorization header (RFC 7235 / RFC 7617 Basic / RFC 6750 Bearer).
// A web-standard Headers object joins repeated headers with ", ". Neither a Basic token (base64)
// nor a Bearer token (JWT, base64url) can contain a comma, so a comma means the client sent more
// than one Authorization header: refused, so that no layer picks a different one than another.

export type ParsedAuthorization =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'invalid'; reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export function parseAuthorization(headers: Headers): ParsedAuthorization {
  const value = headers.get('authorization');
  if (value === null || value.trim() === '') return { kind: 'none' };
  if (value.includes(',')) return { kind: 'invalid', reason: 'more than one Authorization header' };
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) return { kind: 'invalid', reason: 'malformed Authorization header' };
  const scheme = trimmed.slice(0, space).toLowerCase();
  const credentials = trimmed.slice(space + 1).trim();
  if (scheme === 'basic') {
    // zot treats `Basic Og==` (an empty user and password, sent by some clients) as no credentials.
    if (credentials === 'Og==') return { kind: 'none' };
    return parseBasic(credentials);
  }
  if (scheme === 'bearer') {
    if (!TOKEN68.test(credentials)) return { kind: 'invalid', reason: 'malformed bearer token' };
    return { kind: 'bearer', token: credentials };
  }
  return { kind: 'invalid', reason: `unsupported authorization scheme ${scheme}` };
}

function parseBasic(credentials: string): ParsedAuthorization {
  if (!BASE64.test(credentials)) return { kind: 'invalid', reason: 'malformed basic credentials' };
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  // RFC 7617: the user-id cannot contain a colon; the password can.
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'invalid', reason: 'malformed basic credentials' };
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
