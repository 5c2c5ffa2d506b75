// Who is logged in and how one logs in: the server's auth methods come from GET /v2/_zot/ext/mgmt; a password
// login is one GET /v2/ with Basic credentials and the UI header, which makes the registry open a session and
// set its HttpOnly `session` cookie (and the readable `user` cookie this module reads). The password is used for
// that one request and never stored.
import { request, requestJson, UI_HEADER, UnauthorizedError } from './api.js';

export interface MgmtInfo {
  distSpecVersion: string;
  releaseTag?: string;
  http: {
    auth?: {
      htpasswd?: Record<string, never>;
      bearer?: { realm: string; service: string };
      openid?: { providers: Record<string, { name?: string }> };
      apikey?: boolean;
    };
  };
}

let mgmtPromise: Promise<MgmtInfo> | undefined;

/** The server's auth methods, fetched once per page load. */
export function loadMgmt(): Promise<MgmtInfo> {
  mgmtPromise ??= requestJson<MgmtInfo>('/v2/_zot/ext/mgmt').catch((error: unknown) => {
    mgmtPromise = undefined;
    throw error;
  });
  return mgmtPromise;
}

/** The logged-in user's name from zot's readable `user` cookie, or undefined. */
export function currentUser(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'user') {
      const value = decodeURIComponent(rest.join('='));
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Opens a session with a username and password; throws UnauthorizedError when they are wrong. */
export async function loginWithPassword(username: string, password: string): Promise<void> {
  const credentials = btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)));
  const response = await request('/v2/', {
    headers: { Authorization: `Basic ${credentials}`, ...UI_HEADER },
  });
  await response.body?.cancel();
  if (currentUser() === undefined) throw new UnauthorizedError('the registry opened no session');
}

/** The URL that starts an OpenID Connect login with `provider`, coming back to `next` on this origin. */
export function openIdLoginUrl(provider: string, next: string): string {
  const query = new URLSearchParams({ provider, callback_ui: next });
  return `/zot/auth/login?${query.toString()}`;
}

/** Ends the session; returns the provider's end-session URL when the login was OpenID and it has one. */
export async function logout(): Promise<string | undefined> {
  try {
    const response = await request('/zot/auth/logout', { method: 'POST' });
    const text = await response.text();
    const body = text === '' ? {} : (JSON.parse(text) as { endSessionUrl?: string });
    return body.endSessionUrl;
  } finally {
    // the registry clears the cookies; make sure the readable one is gone even if it could not answer
    // biome-ignore lint/suspicious/noDocumentCookie: only clearing the readable name cookie, no Cookie Store API needed
    document.cookie = 'user=; Max-Age=0; Path=/';
  }
}
