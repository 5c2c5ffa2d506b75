// Test helpers other packages' tests share (@zot-ts/oci-client/testing): a CA made with openssl, Debian's
// docker-registry started as a real upstream, a fault-injecting proxy, and a random-image pusher.
export {
  DISTRIBUTION_BINARY,
  freePort,
  type RunningDistribution,
  startDistribution,
} from './distribution.js';
export { type FaultProxy, startFaultProxy } from './fault-proxy.js';
export { type PushedImage, pushRandomImage } from './random-image.js';
export { makeTestCa, type TestCa } from './test-ca.js';
