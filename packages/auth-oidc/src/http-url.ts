// Provider URLs from the config, checked once at start.
import { OidcConfigError } from './errors.js';

/** Parses an absolute http(s) URL or throws a config error naming `path`. */
export function parseHttpUrl(text: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new OidcConfigError('INVALID_URL', path, `"${text}" is not an absolute URL`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OidcConfigError('INVALID_URL', path, `"${text}" must be an http or https URL`);
  }
  return url;
}
