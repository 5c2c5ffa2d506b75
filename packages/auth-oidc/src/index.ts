// Public API of @zot-ts/auth-oidc: what is not exported here is internal.
export {};
