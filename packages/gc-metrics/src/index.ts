// Public API of @zot-ts/gc-metrics: what is not exported here is internal.
export {};
