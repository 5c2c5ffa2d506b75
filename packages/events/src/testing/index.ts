// Test helpers other packages' tests share (a receiving HTTP server, Debian's nats-server on a free port).
// Exported as `@zot-ts/events/testing` so no test reaches into this package's test/ directory.
export * from './http-receiver.js';
export * from './nats-server.js';
