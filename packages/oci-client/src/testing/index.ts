// Test helpers other packages' tests share (@zot-ts/oci-client/testing): a CA made with openssl, Debian's
// docker-registry started as a real upstream, a fault-injecting proxy, a random-image pusher, and a Docker
// token server for registries with http.auth.bearer.
export {
  DISTRIBUTION_BINARY,
  freePort,
  type RunningDistribution,
  startDistribution,
} from './distribution.js';
export { type FaultProxy, startFaultProxy } from './fault-proxy.js';
export { type PushedImage, pushRandomImage } from './random-image.js';
export { makeTestCa, type TestCa } from './test-ca.js';
export {
  startTokenServer,
  type TokenRequest,
  type TokenServer,
  type TokenUser,
} from './token-server.js';
