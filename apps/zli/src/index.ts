// Public API of @zot-ts/zli: what is not exported here is internal.
export {};
