// Public API of @zot-ts/oci-api: what is not exported here is internal.
export {};
