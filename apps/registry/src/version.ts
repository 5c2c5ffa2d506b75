// The version the server reports (zot_info, /v2/_zot/ext/mgmt, `zot --version`).
export const registryVersion = '0.1.0';
// The zot release whose config, API and layout this server follows.
export const zotCompatibleVersion = 'v2.1.17';
export const distSpecVersion = '1.1.1';
