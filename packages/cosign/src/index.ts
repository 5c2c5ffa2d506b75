// Public API of @zot-ts/cosign: what is not exported here is internal.
export {};
