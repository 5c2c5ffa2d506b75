// Where the browser may be sent after login (`callback_ui`): never an open redirect.
// A relative path on this origin, or an absolute URL whose origin is externalUrl's or listed in
// callbackAllowOrigins. Browsers read `//evil.example` and `/\evil.example` as other hosts, so
// those are refused before any URL parsing.

export interface CallbackTargetPolicy {
  /** Origins (scheme://host[:port]) that absolute callback_ui URLs may use. */
  allowedOrigins: ReadonlySet<string>;
}

export function createCallbackTargetPolicy(
  externalUrl: string | undefined,
  callbackAllowOrigins: readonly string[],
): CallbackTargetPolicy {
  const allowedOrigins = new Set<string>();
  for (const candidate of [externalUrl, ...callbackAllowOrigins]) {
    if (candidate === undefined || candidate === '') continue;
    const origin = originOf(candidate);
    if (origin !== undefined) allowedOrigins.add(origin);
  }
  return { allowedOrigins };
}

/** Returns the target to redirect to, or undefined when it is not safe. */
export function safeCallbackTarget(raw: string, policy: CallbackTargetPolicy): string | undefined {
  if (raw === '' || raw.length > 2048) return undefined;
  // Control characters and backslashes have no place in a redirect target; browsers strip tabs and
  // newlines and turn `\` into `/`, which turns `/\host` into `//host`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return undefined;
  if (raw.startsWith('/')) {
    if (raw.startsWith('//')) return undefined;
    return raw;
  }
  const origin = originOf(raw);
  if (origin === undefined) return undefined;
  if (!policy.allowedOrigins.has(origin)) return undefined;
  return new URL(raw).href;
}

function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.username !== '' || url.password !== '') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
