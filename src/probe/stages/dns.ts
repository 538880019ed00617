import dns from 'node:dns';
import { isIP } from 'node:net';
import { normaliseNetworkError } from '../net-errors.js';
import type { ClaimedNameResolution, DnsObservation, NetworkErrorInfo } from '../types.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(Object.assign(new Error(`${what}: no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Resolves like the system resolver (getaddrinfo: hosts file, then DNS), which is what RDP clients
 * use. IP literals are not looked up.
 */
export async function resolveTarget(
  host: string,
  timeoutMs: number,
): Promise<{ observation: DnsObservation; error?: NetworkErrorInfo }> {
  const family = isIP(host);
  if (family !== 0) {
    return {
      observation: {
        query: host,
        literal: true,
        addresses: [{ address: host, family: family as 4 | 6 }],
        reverseNames: [],
      },
    };
  }
  try {
    const records = await withTimeout(
      dns.promises.lookup(host, { all: true, verbatim: true }),
      timeoutMs,
      `resolving ${host}`,
    );
    const addresses = records.map((record) => ({ address: record.address, family: record.family as 4 | 6 }));
    return { observation: { query: host, literal: false, addresses, reverseNames: [] } };
  } catch (error) {
    const info = normaliseNetworkError(error, timeoutMs);
    return {
      observation: { query: host, literal: false, addresses: [], reverseNames: [], error: info },
      error: info,
    };
  }
}

/** PTR names for an address; empty when there are none or the lookup is slow. Never throws. */
export async function reverseLookup(address: string, timeoutMs: number): Promise<string[]> {
  try {
    return await withTimeout(dns.promises.reverse(address), timeoutMs, `reverse lookup of ${address}`);
  } catch {
    return [];
  }
}

/** At most this many claimed names are looked up: a certificate may carry dozens of SANs. */
const MAX_CLAIMED_NAMES = 6;

/**
 * Resolves the names a server gives itself (certificate names, the NTLM DNS computer name) that
 * differ from the name connected to, in parallel, so a rule can tell an alias of the same machine
 * from another machine. Wildcards and IP literals are not looked up. Never throws.
 */
export async function resolveClaimedNames(
  claimed: readonly { readonly name: string; readonly from: 'certificate' | 'ntlm' }[],
  expectedName: string,
  timeoutMs: number,
): Promise<ClaimedNameResolution[]> {
  const expected = expectedName.trim().toLowerCase().replace(/\.$/, '');
  const seen = new Set<string>();
  const wanted = claimed.filter(({ name }) => {
    const key = name.trim().toLowerCase().replace(/\.$/, '');
    if (!key || key === expected || key.includes('*') || isIP(key) !== 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return Promise.all(
    wanted.slice(0, MAX_CLAIMED_NAMES).map(async ({ name, from }) => {
      try {
        const records = await withTimeout(
          dns.promises.lookup(name, { all: true, verbatim: true }),
          timeoutMs,
          `resolving ${name}`,
        );
        return { name, from, addresses: records.map((record) => record.address) };
      } catch {
        return { name, from, addresses: [] };
      }
    }),
  );
}
