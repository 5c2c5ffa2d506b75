// Public API of @zot-ts/metastore: what is not exported here is internal.
export {};
