/**
 * Whether a name the server gives itself points at the machine that answered: the certificate's
 * or NTLM's name resolving to an address the target name resolved to (or the address connected
 * to) is an alias of the right machine, not a wrong DNS record. The probe records the lookups
 * (CertificateObservation.claimedNames); rules cannot resolve names themselves.
 */
import type { ClaimedNameResolution, ProbeObservations } from '../../probe/types.js';
import { normaliseName } from '../diagnose/helpers.js';

/** The addresses the target name led to: what it resolved to and the one connected to. */
export function targetAddresses(observations: ProbeObservations): Set<string> {
  const resolved = observations.dns?.observation?.addresses.map((entry) => entry.address) ?? [];
  const used = observations.tcp?.observation?.usedAddress;
  return new Set([...resolved, ...(used ? [used] : [])]);
}

/** The lookup of a claimed name that resolves to one of the target's addresses, if any. */
export function sameMachineName(
  observations: ProbeObservations,
  name: string,
): (ClaimedNameResolution & { readonly sharedAddress: string }) | undefined {
  const addresses = targetAddresses(observations);
  const wanted = normaliseName(name);
  const lookup = observations.certificate?.observation?.claimedNames?.find(
    (entry) => normaliseName(entry.name) === wanted,
  );
  const sharedAddress = lookup?.addresses.find((address) => addresses.has(address));
  return lookup && sharedAddress ? { ...lookup, sharedAddress } : undefined;
}
