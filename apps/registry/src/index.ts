// Public API of @zot-ts/registry: what is not exported here is internal.
export {};
