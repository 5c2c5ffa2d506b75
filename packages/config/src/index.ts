// Public API of @zot-ts/config: what is not exported here is internal.
export {};
