// Public API of @zot-ts/auth: what is not exported here is internal.
export {};
