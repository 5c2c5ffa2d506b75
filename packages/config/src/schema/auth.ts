// `http.auth`: htpasswd, LDAP, bearer tokens (an external token service or trusted OIDC issuers),
// OpenID Connect login, API keys and mTLS (zot AuthConfig and friends).

import type { SchemaNode } from './builders.js';
import { arrayOf, bool, driverBlock, int, mapOf, nonEmpty, object, str, strings } from './builders.js';

const ldap = object(
  'LDAP logins for basic authentication (tried after htpasswd).',
  {
    address: nonEmpty('LDAP server host name or address; a TLS certificate must name it.'),
    port: int('LDAP server port (default 389, or 636 for LDAPS).', { minimum: 0, maximum: 65535 }),
    insecure: bool(
      'Connect without LDAPS: plain LDAP, or StartTLS with startTLS: true. Default false (LDAPS).',
    ),
    startTLS: bool('With insecure: true, upgrade the plain connection with StartTLS.'),
    skipVerify: bool('Do not verify the server certificate (tests only).'),
    subtreeSearch: bool('Search the whole subtree under baseDN (default: its direct children only).'),
    baseDN: nonEmpty('Base DN of user searches.'),
    userAttribute: nonEmpty('Attribute holding the user name (e.g. uid).'),
    userGroupAttribute: str('Attribute of the user entry whose values are her groups (e.g. memberOf).'),
    userFilter: str('Extra LDAP filter and-ed to user searches, e.g. (!(nsaccountlock=TRUE)).'),
    credentialsFile: str('JSON file {"bindDN", "bindPassword"} of the service account that searches.'),
    bindDN: str('Service account DN inline (zot ignores it; prefer credentialsFile).'),
    bindPassword: str('Service account password inline (zot ignores it; prefer credentialsFile).'),
    caCert: str('PEM file of the CA that signs the LDAP server certificate (default: system roots).'),
  },
  { required: ['address', 'baseDN', 'userAttribute'] },
);

const bearerOidc = object(
  'A trusted OIDC issuer whose ID tokens are accepted as bearer tokens (workload identity).',
  {
    issuer: nonEmpty('Issuer URL; its discovery document and keys are fetched from it.'),
    audiences: strings('Accepted audiences (aud claim); at least one.', { minItems: 1 }),
    claimMapping: object('How token claims become an identity.', {
      variables: arrayOf(
        'Named CEL expressions evaluated over the claims, usable in later expressions.',
        object(
          'One variable.',
          { name: nonEmpty('Variable name.'), expression: nonEmpty('CEL expression.') },
          { required: ['name', 'expression'] },
        ),
      ),
      validations: arrayOf(
        'CEL expressions that must all be true for the token to be accepted.',
        object(
          'One validation.',
          {
            expression: nonEmpty('CEL expression over the token (`claims`, `vars`); must be true.'),
            message: str('Text returned to the client when the validation is false.'),
          },
          { required: ['expression'] },
        ),
      ),
      username: nonEmpty('CEL expression giving the user name.'),
      groups: nonEmpty('CEL expression giving the list of groups.'),
    }),
  },
  { required: ['issuer', 'audiences'] },
);

const bearer = object('Bearer token authentication.', {
  realm: str('Token service URL sent in WWW-Authenticate.'),
  service: str('Service name sent in WWW-Authenticate.'),
  cert: str('Certificate whose key signs the token service tokens.'),
  oidc: arrayOf('Trusted OIDC issuers for workload identity.', bearerOidc),
});

const openidProvider = object('One OpenID Connect (or GitHub OAuth2) provider.', {
  name: str('Display name shown on the login page.'),
  clientid: str('OAuth2 client id.'),
  clientsecret: str('OAuth2 client secret (prefer credentialsFile).'),
  credentialsFile: str('File holding {clientid, clientsecret}.'),
  keypath: str('Key used to sign the state cookie.'),
  issuer: str('Issuer URL (not needed for github).'),
  authurl: str(
    'github only: GitHub Enterprise authorization endpoint (with tokenurl; its API is <origin>/api/v3).',
  ),
  tokenurl: str('github only: GitHub Enterprise token endpoint (with authurl).'),
  scopes: strings(
    'Scopes requested (openid, profile, email, groups, ...; github default: read:org, user:email).',
  ),
  claimMapping: object('Which ID-token claims give the user name and groups.', {
    username: nonEmpty('Claim holding the user name (default: email).'),
    groups: nonEmpty('Claim holding the groups (default: groups).'),
  }),
});

const mtls = object('Identity from client certificates (needs http.tls.cacert).', {
  identityAttributes: strings(
    'Certificate attributes tried in order: CommonName, Subject, Email, URI, DNSName.',
  ),
  uriSanPattern: str('Regular expression with one capture group applied to URI SANs.'),
  uriSanIndex: int('Which URI SAN to use.', { minimum: 0 }),
  dnsSanIndex: int('Which DNS SAN to use.', { minimum: 0 }),
  emailSanIndex: int('Which email SAN to use.', { minimum: 0 }),
});

export const authSchema: SchemaNode = object('Authentication methods; any number can be on at once.', {
  failDelay: int('Seconds to wait before answering a failed login.', { minimum: 0, default: 0 }),
  htpasswd: object('htpasswd (bcrypt) users.', { path: nonEmpty('htpasswd file.') }, { required: ['path'] }),
  ldap,
  bearer,
  openid: object(
    'OpenID Connect login for the UI and zli.',
    {
      providers: mapOf(
        'Providers keyed by name (oidc, google, gitlab, github, or your own).',
        openidProvider,
      ),
      callbackAllowOrigins: strings('Origins allowed as the post-login redirect target.'),
    },
    { required: ['providers'] },
  ),
  apikey: bool('Allow API keys (zot turns this on whenever openid is configured).'),
  mtls,
  sessionKeysFile: str('File holding {hashKey, encryptKey} for session cookies.'),
  sessionDriver: driverBlock('Where sessions are kept.', ['local', 'redis']),
  secureSession: bool('Mark session cookies Secure.'),
});
