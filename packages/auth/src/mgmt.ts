// The body of `GET /v2/_zot/ext/mgmt`: server information and the enabled authentication methods,
// in zot's StrippedConfig shape (extension_mgmt.go), never with a secret or a file path:
//   {"distSpecVersion","commit","releaseTag","binaryType",
//    "http":{"auth":{"htpasswd":{},"bearer":{"realm","service"},"openid":{"providers":{...}},"apikey":true}}}
// zot reports `"htpasswd": {}` when htpasswd or LDAP is on (the UI then shows a login form).

export interface MgmtInfoInput {
  distSpecVersion: string;
  commit?: string;
  releaseTag?: string;
  binaryType?: string;
  auth?: {
    htpasswd?: boolean;
    ldap?: boolean;
    bearer?: { realm: string; service: string };
    /** Provider key -> display name. */
    openid?: Record<string, { name?: string }>;
    apikey?: boolean;
  };
}

export interface MgmtInfo {
  distSpecVersion: string;
  commit: string;
  releaseTag: string;
  binaryType: string;
  http: {
    auth?: {
      htpasswd?: Record<string, never>;
      bearer?: { realm: string; service: string };
      openid?: { providers: Record<string, { name?: string }> };
      apikey?: boolean;
    };
  };
}

export function buildMgmtInfo(input: MgmtInfoInput): MgmtInfo {
  const auth: NonNullable<MgmtInfo['http']['auth']> = {};
  const configured = input.auth ?? {};
  if (configured.htpasswd || configured.ldap) auth.htpasswd = {};
  if (configured.bearer) auth.bearer = { realm: configured.bearer.realm, service: configured.bearer.service };
  const providers = Object.entries(configured.openid ?? {});
  if (providers.length > 0) {
    auth.openid = {
      providers: Object.fromEntries(
        providers.map(([key, provider]) => [key, provider.name !== undefined ? { name: provider.name } : {}]),
      ),
    };
  }
  if (configured.apikey) auth.apikey = true;
  return {
    distSpecVersion: input.distSpecVersion,
    commit: input.commit ?? '',
    releaseTag: input.releaseTag ?? '',
    binaryType: input.binaryType ?? '',
    http: Object.keys(auth).length > 0 ? { auth } : {},
  };
}
