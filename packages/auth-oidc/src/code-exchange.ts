// The authorization code flow's second half (OIDC Core 3.1.2.5 to 3.1.3.7 and 5.3): check the
// authorization response, redeem the code with the PKCE verifier, validate the ID token (issuer,
// audience, nonce, expiry, and its signature against the provider's JWKS), then read userinfo.
import * as oauth from 'oauth4webapi';
import { OidcFlowError } from './errors.js';
import type { LoginState } from './login-state.js';
import type { Logger } from './ports.js';
import type { ResolvedProvider } from './provider-config.js';

export interface CodeExchangeInput {
  provider: ResolvedProvider;
  metadata: oauth.AuthorizationServer;
  callbackUrl: URL;
  loginState: LoginState;
  redirectUri: string;
  allowInsecureRequests: boolean;
  logger?: Logger | undefined;
}

export interface CodeExchangeResult {
  idToken: string;
  idTokenClaims: Record<string, unknown>;
  userinfo: Record<string, unknown> | undefined;
}

export async function exchangeCode(input: CodeExchangeInput): Promise<CodeExchangeResult> {
  const { provider, metadata, loginState } = input;
  const client: oauth.Client = { client_id: provider.clientId };
  const requestOptions = { [oauth.allowInsecureRequests]: input.allowInsecureRequests };

  let callbackParameters: URLSearchParams;
  try {
    callbackParameters = oauth.validateAuthResponse(metadata, client, input.callbackUrl, loginState.state);
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError) {
      throw new OidcFlowError('AUTHORIZATION_DENIED', `the provider refused the login: ${cause.error}`, {
        cause,
      });
    }
    throw new OidcFlowError('INVALID_STATE', 'the authorization response does not match this login', {
      cause,
    });
  }

  let tokenResponse: Response;
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokenResponse = await oauth.authorizationCodeGrantRequest(
      metadata,
      client,
      clientAuthentication(provider, metadata),
      callbackParameters,
      input.redirectUri,
      loginState.codeVerifier,
      requestOptions,
    );
    tokens = await oauth.processAuthorizationCodeResponse(metadata, client, tokenResponse, {
      expectedNonce: loginState.nonce,
      requireIdToken: true,
    });
  } catch (cause) {
    if (cause instanceof oauth.ResponseBodyError || cause instanceof oauth.WWWAuthenticateChallengeError) {
      throw new OidcFlowError('TOKEN_EXCHANGE_FAILED', 'the provider refused the authorization code', {
        cause,
      });
    }
    if (cause instanceof oauth.OperationProcessingError) {
      throw new OidcFlowError('ID_TOKEN_INVALID', `the ID token is not valid: ${cause.message}`, { cause });
    }
    throw new OidcFlowError('PROVIDER_UNAVAILABLE', 'the token endpoint could not be reached', { cause });
  }

  // The token came straight from the token endpoint, where TLS vouches for the issuer (OIDC Core
  // 3.1.3.7 item 6); we check the signature anyway, so plain-http and proxied setups are safe too.
  try {
    await oauth.validateApplicationLevelSignature(metadata, tokenResponse, requestOptions);
  } catch (cause) {
    throw new OidcFlowError('ID_TOKEN_INVALID', 'the ID token signature does not verify', { cause });
  }

  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens);
  const idToken = tokens.id_token;
  if (idTokenClaims === undefined || idToken === undefined) {
    throw new OidcFlowError('ID_TOKEN_INVALID', 'the provider returned no ID token');
  }

  const userinfo = await readUserinfo(metadata, client, tokens.access_token, idTokenClaims.sub, input);
  return { idToken, idTokenClaims: { ...idTokenClaims }, userinfo };
}

async function readUserinfo(
  metadata: oauth.AuthorizationServer,
  client: oauth.Client,
  accessToken: string,
  subject: string,
  input: CodeExchangeInput,
): Promise<Record<string, unknown> | undefined> {
  if (metadata.userinfo_endpoint === undefined) return undefined;
  try {
    const response = await oauth.userInfoRequest(metadata, client, accessToken, {
      [oauth.allowInsecureRequests]: input.allowInsecureRequests,
    });
    // OIDC Core 5.3.4: the userinfo `sub` MUST match the ID token's; processUserInfoResponse checks it.
    return { ...(await oauth.processUserInfoResponse(metadata, client, subject, response)) };
  } catch (error) {
    // The ID token alone is enough to log in; a missing userinfo only means fewer claims and groups.
    input.logger?.warn('OIDC userinfo request failed; using ID token claims only', {
      provider: input.provider.name,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** client_secret_basic unless the provider only offers client_secret_post; none for public clients. */
function clientAuthentication(
  provider: ResolvedProvider,
  metadata: oauth.AuthorizationServer,
): oauth.ClientAuth {
  if (provider.clientSecret === undefined) return oauth.None();
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) {
    return oauth.ClientSecretPost(provider.clientSecret);
  }
  return oauth.ClientSecretBasic(provider.clientSecret);
}
