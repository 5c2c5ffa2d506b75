// Public API of @zot-ts/authz-cel: what is not exported here is internal.
export {};
