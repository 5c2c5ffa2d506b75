// Cross-field rules of http.auth and http.accessControl, with zot's meaning (pkg/cli/server/root.go:
// validateAuthzPolicies, validateOpenIDConfig, validateLDAP, validateMTLS, validateHTTP).
import { hasText, type IssueList, listAt, type Node, objectAt, textAt } from './check-helpers.js';
import { globProblem, regexProblem } from './patterns.js';
import { checkRedisDriver } from './redis-url-check.js';

const MTLS_ATTRIBUTES = [
  'commonname',
  'cn',
  'subject',
  'dn',
  'email',
  'rfc822name',
  'uri',
  'url',
  'dnsname',
  'dns',
];

/** zot: an authentication method is on when these keys say so (AuthConfig.Is*Enabled, IsMTLSAuthEnabled). */
function hasAuthentication(http: Node): boolean {
  const auth = objectAt(http.auth);
  if (auth === undefined) return false;
  const bearer = objectAt(auth.bearer);
  const bearerOn =
    bearer !== undefined &&
    ((hasText(bearer.realm) && hasText(bearer.service) && hasText(bearer.cert)) ||
      listAt(bearer.oidc).length > 0);
  const openidOn = Object.keys(objectAt(objectAt(auth.openid)?.providers) ?? {}).length > 0;
  const mtlsOn = objectAt(auth.mtls) !== undefined && hasText(objectAt(http.tls)?.cacert);
  return (
    hasText(objectAt(auth.htpasswd)?.path) ||
    objectAt(auth.ldap) !== undefined ||
    bearerOn ||
    openidOn ||
    auth.apikey === true ||
    mtlsOn
  );
}

/** zot's ContainsOnlyAnonymousPolicy: no admin, default or named policies, and some anonymousPolicy. */
function onlyAnonymousPolicies(accessControl: Node): boolean {
  const admin = objectAt(accessControl.adminPolicy);
  if (listAt(admin?.actions).length + listAt(admin?.users).length > 0) return false;
  let anonymous = false;
  for (const repository of Object.values(objectAt(accessControl.repositories) ?? {})) {
    const rules = objectAt(repository);
    if (listAt(rules?.defaultPolicy).length > 0) return false;
    if (listAt(rules?.anonymousPolicy).length > 0) anonymous = true;
    for (const policy of listAt(rules?.policies)) {
      if (listAt(objectAt(policy)?.actions).length + listAt(objectAt(policy)?.users).length > 0) return false;
    }
  }
  return anonymous;
}

function checkAccessControl(http: Node, issues: IssueList): void {
  const accessControl = objectAt(http.accessControl);
  if (accessControl === undefined) return;
  if (!hasAuthentication(http) && !onlyAnonymousPolicies(accessControl)) {
    issues.add(
      ['http', 'accessControl'],
      'needs an authentication method in http.auth (htpasswd, ldap, bearer, openid, apikey or mtls) ' +
        'unless it only has anonymousPolicy entries',
    );
  }
  for (const glob of Object.keys(objectAt(accessControl.repositories) ?? {})) {
    const problem = globProblem(glob);
    if (problem !== undefined)
      issues.add(['http', 'accessControl', 'repositories', glob], `not a valid glob: ${problem}`);
  }
}

function checkOpenId(auth: Node, issues: IssueList): void {
  for (const [name, value] of Object.entries(objectAt(objectAt(auth.openid)?.providers) ?? {})) {
    const provider = objectAt(value);
    if (provider === undefined) continue;
    const at = ['http', 'auth', 'openid', 'providers', name];
    // the client id may come from credentialsFile, read at serve time
    if (!hasText(provider.clientid) && !hasText(provider.credentialsFile)) {
      issues.add([...at, 'clientid'], 'is required (or give credentialsFile)');
    }
    // github is plain OAuth2 with fixed endpoints; every other provider is discovered from its issuer
    if (name !== 'github' && !hasText(provider.issuer))
      issues.add([...at, 'issuer'], `is required for provider "${name}"`);
  }
}

function checkBearer(auth: Node, issues: IssueList): void {
  const bearer = objectAt(auth.bearer);
  if (bearer === undefined) return;
  const tokenServiceKeys = ['realm', 'service', 'cert'] as const;
  const given = tokenServiceKeys.filter((key) => hasText(bearer[key]));
  // zot (IsOIDCBearerAuthEnabled): with oidc issuers, realm and service alone are the challenge's
  // parameters and no token service is meant; only a cert asks for one, and then needs all three
  const withOidc = listAt(bearer.oidc).length > 0;
  if (withOidc && !given.includes('cert')) return;
  for (const key of tokenServiceKeys) {
    if (!given.includes(key)) {
      issues.add(
        ['http', 'auth', 'bearer', key],
        'is required for a token service (realm, service and cert go together) unless only oidc issuers are given',
      );
    }
  }
}

function checkMtls(http: Node, auth: Node, issues: IssueList): void {
  const mtls = objectAt(auth.mtls);
  if (mtls === undefined) return;
  const at = ['http', 'auth', 'mtls'];
  if (!hasText(objectAt(http.tls)?.cacert)) issues.add(at, 'needs http.tls with cert, key and cacert');
  const attributes = listAt(mtls.identityAttributes).map((attribute) =>
    String(attribute).trim().toLowerCase(),
  );
  listAt(mtls.identityAttributes).forEach((attribute, index) => {
    if (!MTLS_ATTRIBUTES.includes(String(attribute).trim().toLowerCase())) {
      issues.add(
        [...at, 'identityAttributes', index],
        `${JSON.stringify(attribute)} is not one of CommonName, CN, Subject, DN, Email, rfc822name, URI, URL, DNSName, DNS`,
      );
    }
  });
  const usesSan = attributes.includes('uri') || attributes.includes('url');
  for (const key of ['uriSanPattern', 'uriSanIndex', 'dnsSanIndex', 'emailSanIndex']) {
    const value = mtls[key];
    if (value !== undefined && value !== '' && value !== 0 && !usesSan) {
      issues.add([...at, key], 'is only used with the URI or URL identity attribute');
    }
  }
  const pattern = textAt(mtls.uriSanPattern);
  const problem = pattern === undefined ? undefined : regexProblem(pattern);
  if (problem !== undefined) issues.add([...at, 'uriSanPattern'], problem);
}

export function checkHttp(config: Node, issues: IssueList): void {
  const http = objectAt(config.http);
  if (http === undefined) return;
  // zot keeps the port as a string and checks its range itself (validateHTTP)
  if (typeof http.port === 'string' && /^[0-9]+$/.test(http.port) && Number(http.port) > 65535) {
    issues.add(['http', 'port'], `${JSON.stringify(http.port)} is out of range 0..65535`);
  }
  checkAccessControl(http, issues);
  const auth = objectAt(http.auth);
  if (auth === undefined) return;
  checkOpenId(auth, issues);
  checkBearer(auth, issues);
  checkMtls(http, auth, issues);
  checkRedisDriver(objectAt(auth.sessionDriver), ['http', 'auth', 'sessionDriver'], issues);
  if (objectAt(auth.sessionDriver)?.name === 'redis' && hasText(auth.sessionKeysFile)) {
    issues.add(['http', 'auth', 'sessionKeysFile'], 'cannot be used with the redis session driver');
  }
}
