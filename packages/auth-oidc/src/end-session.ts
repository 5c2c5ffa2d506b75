// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0, section 2). oauth4webapi has no
// helper for it, so the URL is built here from the provider's `end_session_endpoint`.

export interface EndSessionInput {
  /** The provider metadata value; anything but an absolute http(s) URL is ignored, as zot does. */
  endSessionEndpoint: unknown;
  clientId: string;
  /** Where the provider sends the browser after logout: `<externalUrl>/login`. */
  postLogoutRedirectUri: string;
  /** Lets many providers skip their "do you want to log out?" page. */
  idTokenHint?: string | undefined;
}

export function buildEndSessionUrl(input: EndSessionInput): string | undefined {
  if (typeof input.endSessionEndpoint !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(input.endSessionEndpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // Spec section 2: the endpoint URL may carry its own query; keep it and add ours.
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('post_logout_redirect_uri', input.postLogoutRedirectUri);
  if (input.idTokenHint !== undefined && input.idTokenHint !== '')
    url.searchParams.set('id_token_hint', input.idTokenHint);
  return url.href;
}
