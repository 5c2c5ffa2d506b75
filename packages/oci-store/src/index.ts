// Public API of @zot-ts/oci-store: what is not exported here is internal.
export {};
