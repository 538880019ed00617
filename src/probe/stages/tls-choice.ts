import { cipherSuiteByCode, cipherSuiteName } from '../../data/tls-cipher-suites.js';
import { namedGroupName } from '../../data/tls-groups.js';
import {
  type ClientHelloOptions,
  DEFAULT_GROUPS,
  DEFAULT_SIGNATURE_ALGORITHMS,
  NamedGroupCode,
} from '../../wire/tls-client-hello.js';
import { TlsVersion, tlsVersionName } from '../../wire/tls-record.js';
import type { HelloAnswer } from './tls-posture.js';

/**
 * The server's choice rule, as the enumeration established it, applied to any ClientHello: which
 * version, suite and group the server picks, or "not established" where the enumeration did not
 * cover what the hello offers or the server's rule is unclear. Pure: no I/O, no clock.
 *
 * What the rule assumes, each of it checked by the enumeration's own answers (see verifyChoiceFacts)
 * and by the computed-vs-real client matrix test on every test server:
 * - the version is the highest one the server accepted among those the hello offers (without
 *   supported_versions, every version up to legacy_version is offered, RFC 5246 Appendix E);
 * - the suite is the first of the common ones in the server's order ('server' preference) or in
 *   the hello's order ('client'); suites a version cannot carry are ignored, as servers do;
 * - in TLS 1.3 the group is the hello's single key share when the server accepts that group;
 * - the record-layer version of a ClientHello does not change the answer (no TLS version gives it
 *   a role in negotiation).
 */

/** What the enumeration established about one version. */
export interface VersionChoiceFacts {
  readonly code: number;
  readonly accepted: boolean;
  /** The answer to the version's full offer (every suite it can carry, every group). */
  readonly fullOfferAnswer: HelloAnswer;
  /** Accepted suites in the order the server picked them. */
  readonly suites: readonly number[];
  readonly preference?: 'server' | 'client';
  /** What the server answered a hello in this version that offered none of its suites (the peel's last ask). */
  readonly noCommonSuite?: HelloAnswer;
  /** TLS 1.2 and older: curves the server's ServerKeyExchange used with the enumeration's ECDHE suites. */
  readonly curves: readonly number[];
  /**
   * TLS 1.2 and older: the ServerKeyExchange came in the ServerHello's record, so an answer read up to
   * the ServerHello also names the curve (whose choice rule the enumeration does not establish).
   */
  readonly keyExchangeInHelloRecord: boolean;
}

export interface ServerChoiceFacts {
  readonly versions: readonly VersionChoiceFacts[];
  /** TLS 1.3 groups in the server's order (key share first, then HelloRetryRequest picks). */
  readonly tls13Groups: readonly number[];
  /** The enumeration finished inside its budget and every answer fits the rule (verifyChoiceFacts). */
  readonly established: boolean;
  /** Why the rule is not established, when it is not. */
  readonly notEstablishedBecause?: string;
  /** server_name the enumeration's hellos carried (the profiles' hellos carry the same). */
  readonly serverName?: string;
}

export type ChoicePrediction =
  | { readonly kind: 'computed'; readonly answer: HelloAnswer }
  | { readonly kind: 'not-established'; readonly reason: string };

const SIGNALLING_SUITES = new Set([0x00ff, 0x5600]);

/**
 * RFC 5246 suites (SHA-256/384 MACs, AEAD) exist only from TLS 1.2 on, TLS 1.3 suites only in
 * TLS 1.3: whether a suite can be negotiated in `version` (signalling values never are).
 */
export function suiteUsableIn(code: number, version: number): boolean {
  const suite = cipherSuiteByCode(code);
  if (!suite || suite.signaling) return false;
  if (version >= TlsVersion.TLS_1_3) return suite.tls13;
  if (suite.tls13) return false;
  return (
    version >= TlsVersion.TLS_1_2 ||
    !(suite.mac === 'AEAD' || suite.mac === 'SHA256' || suite.mac === 'SHA384')
  );
}

/** The one-line detail of a ServerHello or HelloRetryRequest answer (as interpretServerFlight writes it). */
export function serverHelloDetail(
  versionCode: number,
  cipherCode: number,
  groupCode?: number,
  helloRetryRequest = false,
): string {
  const group = groupCode !== undefined ? ` ${namedGroupName(groupCode)}` : '';
  return `${helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello'} ${tlsVersionName(versionCode)} ${cipherSuiteName(cipherCode)}${group}`;
}

/** Versions a hello offers on the wire: its supported_versions list, else all up to legacy_version. */
function offeredVersions(hello: ClientHelloOptions, known: readonly number[]): number[] {
  if (hello.versions.some((version) => version >= TlsVersion.TLS_1_3)) return [...hello.versions];
  const highest = Math.max(...hello.versions);
  return known.filter((version) => version <= highest);
}

/** Signature schemes that let a server sign with an RSA key (PKCS#1 v1.5, then RSA-PSS) or an ECDSA key. */
const RSA_PKCS1_SCHEMES = [0x0401, 0x0501, 0x0601];
const RSA_PSS_SCHEMES = [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b];
const ECDSA_SCHEMES = [0x0403, 0x0503, 0x0603];

/**
 * Whether the hello's signature schemes let the server sign as it did for the enumeration: in
 * TLS 1.3 with an RSA (PSS) or an ECDSA key, in TLS 1.2 for the authentication of the common signed
 * suites. Where they may not, the server might skip suites or fail: the rule does not say which.
 */
function signaturesCovered(hello: ClientHelloOptions, version: number, common: readonly number[]): boolean {
  if (version < TlsVersion.TLS_1_2) return true;
  const offered = hello.signatureAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS;
  const offers = (schemes: readonly number[]) => schemes.some((scheme) => offered.includes(scheme));
  if (version >= TlsVersion.TLS_1_3) return offers(RSA_PSS_SCHEMES) && offers(ECDSA_SCHEMES);
  return common.every((code) => {
    const suite = cipherSuiteByCode(code)!;
    if (suite.keyExchange !== 'ECDHE' && suite.keyExchange !== 'DHE') return true;
    if (suite.authentication === 'RSA') return offers([...RSA_PKCS1_SCHEMES, ...RSA_PSS_SCHEMES]);
    if (suite.authentication === 'ECDSA') return offers(ECDSA_SCHEMES);
    return false;
  });
}

/**
 * A refusal the server gives every time: an alert, a close or a reset; an answer that is not TLS
 * only when every version's hello got the very same bytes (random garbage differs each time).
 */
function refusalEstablished(facts: ServerChoiceFacts, refusal: HelloAnswer): boolean {
  if (refusal.outcome === 'alert' || refusal.outcome === 'closed' || refusal.outcome === 'reset') return true;
  if (refusal.outcome !== 'malformed') return false;
  return facts.versions.every(
    (entry) =>
      entry.fullOfferAnswer.detail === refusal.detail &&
      entry.fullOfferAnswer.answerPreview === refusal.answerPreview,
  );
}

/** A ServerHello as interpretServerFlight reads one (a TLS 1.2 one read up to the ServerHello has no group). */
function computedServerHello(versionCode: number, cipherCode: number, groupCode?: number): ChoicePrediction {
  return {
    kind: 'computed',
    answer: {
      outcome: 'server-hello',
      versionCode,
      cipherCode,
      ...(groupCode !== undefined ? { groupCode } : {}),
      detail: serverHelloDetail(versionCode, cipherCode, groupCode),
    },
  };
}

function notEstablished(reason: string): ChoicePrediction {
  return { kind: 'not-established', reason };
}

/** The answer the server gives `hello`, computed from the enumeration, or why it cannot be. */
export function predictAnswer(facts: ServerChoiceFacts, hello: ClientHelloOptions): ChoicePrediction {
  if (!facts.established)
    return notEstablished(facts.notEstablishedBecause ?? 'the enumeration is incomplete');
  if (hello.noExtensions || hello.versions.length === 0) return notEstablished('an extension-less hello');
  if ((hello.serverName ?? undefined) !== facts.serverName) return notEstablished('another server_name');
  if (hello.extraExtensions?.length || hello.alpn?.length)
    return notEstablished('extensions the enumeration did not send');
  const known = facts.versions.map((entry) => entry.code);
  const offered = offeredVersions(hello, known);
  if (offered.some((version) => !known.includes(version)))
    return notEstablished('a version the enumeration did not try');
  const accepted = facts.versions.filter((entry) => entry.accepted && offered.includes(entry.code));
  const usesSupportedVersions = hello.versions.some((version) => version >= TlsVersion.TLS_1_3);
  if (accepted.length === 0) {
    // No common version: the server refuses as it refused the enumeration's hello of the same kind,
    // the TLS 1.3 one (supported_versions) or the one offering the same highest version.
    const like = usesSupportedVersions ? TlsVersion.TLS_1_3 : Math.max(...offered);
    const refusal = facts.versions.find((entry) => entry.code === like)?.fullOfferAnswer;
    if (!refusal || !refusalEstablished(facts, refusal)) {
      return notEstablished('no common version, refusal not seen');
    }
    return { kind: 'computed', answer: refusal };
  }
  const chosen = accepted.reduce((best, entry) => (entry.code > best.code ? entry : best));
  const groups = hello.groups ?? DEFAULT_GROUPS;
  const usable = hello.cipherSuites.filter((code) => !SIGNALLING_SUITES.has(code));
  if (usable.some((code) => cipherSuiteByCode(code) === undefined)) {
    return notEstablished('a suite the enumeration did not offer');
  }
  const inVersion = usable.filter((code) => suiteUsableIn(code, chosen.code));
  // Without a curve in common a server skips its ECDHE suites or fails: the rule does not say which.
  const hasCurve = chosen.curves.some((curve) => groups.includes(curve));
  const acceptedEcdhe = inVersion.some(
    (code) => chosen.suites.includes(code) && cipherSuiteByCode(code)!.keyExchange === 'ECDHE',
  );
  if (chosen.code < TlsVersion.TLS_1_3 && acceptedEcdhe && !hasCurve) {
    return notEstablished('ECDHE suites without a curve the server was seen to use');
  }
  const common = inVersion.filter((code) => chosen.suites.includes(code));
  if (common.length === 0) {
    if (accepted.length > 1) return notEstablished('no common suite in the highest common version');
    if (!chosen.noCommonSuite) return notEstablished('no common suite, refusal not seen');
    return { kind: 'computed', answer: chosen.noCommonSuite };
  }
  if (!signaturesCovered(hello, chosen.code, common))
    return notEstablished('signature schemes the enumeration did not cover');
  let cipherCode: number;
  if (common.length === 1) cipherCode = common[0]!;
  else if (chosen.preference === 'server') cipherCode = chosen.suites.find((code) => common.includes(code))!;
  else if (chosen.preference === 'client') cipherCode = common[0]!;
  else return notEstablished("the server's suite preference is unclear");
  if (chosen.code < TlsVersion.TLS_1_3) {
    const ecdhe = cipherSuiteByCode(cipherCode)!.keyExchange === 'ECDHE';
    if (ecdhe && chosen.keyExchangeInHelloRecord)
      return notEstablished('the curve comes with the ServerHello');
    return computedServerHello(chosen.code, cipherCode);
  }
  // TLS 1.3: one key share for a group the server accepts gives a ServerHello in that group.
  const shares = (hello.keyShareGroups ?? [NamedGroupCode.x25519]).filter(
    (group) => group === NamedGroupCode.x25519 || group === NamedGroupCode.x448,
  );
  if (shares.length !== 1) return notEstablished('a hello without exactly one key share');
  const share = shares[0]!;
  if (!groups.includes(share) || !facts.tls13Groups.includes(share)) {
    return notEstablished('a key share the server may not take (HelloRetryRequest)');
  }
  return computedServerHello(chosen.code, cipherCode, share);
}

/** Whether two answers say the same: outcome, version, suite, TLS 1.3 group, alert. */
export function sameChoice(a: HelloAnswer, b: HelloAnswer): boolean {
  const tls13 = (a.versionCode ?? 0) >= TlsVersion.TLS_1_3;
  return (
    a.outcome === b.outcome &&
    a.versionCode === b.versionCode &&
    a.cipherCode === b.cipherCode &&
    (!tls13 || a.groupCode === b.groupCode) &&
    a.alert?.code === b.alert?.code
  );
}

/**
 * The facts, marked not established unless the rule gives back every answer the enumeration got
 * (for the hellos it can compute): a server whose answers contradict each other (an order that
 * depends on the offer, a version rule of its own) gets a real hello per profile.
 */
export function verifyChoiceFacts(
  facts: ServerChoiceFacts,
  asked: readonly { readonly hello: ClientHelloOptions; readonly answer: HelloAnswer }[],
): ServerChoiceFacts {
  if (!facts.established) return facts;
  for (const { hello, answer } of asked) {
    const prediction = predictAnswer(facts, hello);
    if (prediction.kind === 'computed' && !sameChoice(prediction.answer, answer)) {
      return {
        ...facts,
        established: false,
        notEstablishedBecause: `the server answered ${answer.detail} where its rule gives ${prediction.answer.detail}`,
      };
    }
  }
  return facts;
}
