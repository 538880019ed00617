/** The test suite's real servers and peers, all on loopback or in namespaces the test makes. */
export { type AddressAllocator, addressAllocator } from './address-allocator.js';
export { startDelayProxy } from './delay-proxy.js';
export { serverTracker } from './track.js';
export { type FirewallAction, firewallUnsupported, startFirewalledPort } from './firewall.js';
export { hasBinary, missingBinaries, type RunningServer } from './process.js';
export {
  type FreerdpShadowOptions,
  startFreerdpShadow,
  startLab,
  startXrdp,
  startXvfb,
  type XDisplay,
  type XrdpOptions,
} from './servers.js';
