import type { ClientProfile } from '../../data/clients/index.js';
import {
  CIPHER_SUITES,
  type CipherStrength,
  cipherSuiteByCode,
  cipherSuiteName,
} from '../../data/tls-cipher-suites.js';
import { NAMED_GROUPS, namedGroupName } from '../../data/tls-groups.js';
import { alertDescriptionName } from '../../wire/tls-alert.js';
import { type ClientHelloOptions, clientHelloRecord, NamedGroupCode } from '../../wire/tls-client-hello.js';
import { TlsVersion, tlsRecordFrameLength, tlsVersionName } from '../../wire/tls-record.js';
import { readServerFlight } from '../../wire/tls-server-flight.js';
import { dhPrimeBits } from '../../wire/tls-server-key-exchange.js';
import { tpktFrameLength } from '../../wire/tpkt.js';
import { type ConnectResult, connectTcp, type Conversation, type ReadResult } from '../conversation.js';
import type { Limiter } from '../limiter.js';
import type { Spare, SparePool } from '../spare-pool.js';
import type {
  ClientHelloAnswer,
  TlsAcceptedCipher,
  TlsAcceptedGroup,
  TlsDheParameters,
  TlsHelloOutcome,
  TlsPostureObservation,
  TlsProtocolVersion,
  TlsVersionProbe,
} from '../types.js';
import {
  buildNegotiationRequest,
  interpretNegotiationAnswer,
  type NegotiationRequest,
  selectsTls,
} from './negotiation.js';
import {
  predictAnswer,
  type ServerChoiceFacts,
  serverHelloDetail,
  suiteUsableIn,
  type VersionChoiceFacts,
  verifyChoiceFacts,
} from './tls-choice.js';

/**
 * TLS posture: which versions, cipher suites and groups the server accepts, and what it answers
 * each client profile's own ClientHello: computed from the server's choice rule where the
 * enumeration establishes it (tls-choice.ts), else sent. Every hello goes on its own connection
 * after a full X.224 negotiation, is written raw (src/wire) and the server's clear-text flight is
 * read up to the ServerHello (up to the ServerKeyExchange in TLS 1.2 and older), then the
 * connection is dropped. Pure parts (hello options, reading an answer, the peeling algorithms)
 * are apart from the driver.
 */

// --- versions and suites -------------------------------------------------------------------------

export const POSTURE_VERSIONS: readonly { readonly version: TlsProtocolVersion; readonly code: number }[] = [
  { version: 'SSLv3', code: TlsVersion.SSL_3_0 },
  { version: 'TLSv1', code: TlsVersion.TLS_1_0 },
  { version: 'TLSv1.1', code: TlsVersion.TLS_1_1 },
  { version: 'TLSv1.2', code: TlsVersion.TLS_1_2 },
  { version: 'TLSv1.3', code: TlsVersion.TLS_1_3 },
];

export function versionLabel(code: number): TlsProtocolVersion | undefined {
  return POSTURE_VERSIONS.find((entry) => entry.code === code)?.version;
}

const STRENGTH_ORDER: readonly CipherStrength[] = ['recommended', 'secure', 'weak', 'insecure'];

/**
 * Every IANA suite that can be negotiated in `version` (signalling values excluded), strongest
 * first: a server that follows the client's order then shows the order a good client would see.
 */
const suitesByVersion = new Map<number, readonly number[]>();

export function suitesForVersion(version: number): number[] {
  // Asked for each hello of a peel: computed once per version (a copy, callers may change it).
  let suites = suitesByVersion.get(version);
  if (suites === undefined) {
    suites = computeSuitesForVersion(version);
    suitesByVersion.set(version, suites);
  }
  return [...suites];
}

function computeSuitesForVersion(version: number): number[] {
  // A server picking a suite its version cannot carry is broken, so such suites are not offered.
  const usable = CIPHER_SUITES.filter((suite) => suiteUsableIn(suite.code, version));
  return usable
    .map((suite, index) => ({ suite, index }))
    .sort(
      (a, b) =>
        STRENGTH_ORDER.indexOf(a.suite.strength) - STRENGTH_ORDER.indexOf(b.suite.strength) ||
        a.index - b.index,
    )
    .map(({ suite }) => suite.code);
}

/** Groups offered when enumerating: every registered one but the explicit-curve markers; TLS 1.2 only ECDHE curves. */
export function groupsForVersion(version: number): number[] {
  return NAMED_GROUPS.filter((group) =>
    version >= TlsVersion.TLS_1_3 ? group.kind !== 'explicit' : group.kind === 'ecdhe',
  ).map((group) => group.code);
}

/**
 * The ClientHello for one enumeration probe: exactly `version`, these suites and groups. SSL 3.0
 * hellos carry no extensions (as SSL 3.0 clients sent them). TLS 1.3 hellos carry an x25519 key
 * share when x25519 is offered, else none, so the server names its group in a HelloRetryRequest.
 */
export function postureHello(
  version: number,
  cipherSuites: readonly number[],
  groups?: readonly number[],
  /** TLS 1.3 key shares; by default x25519's when x25519 is offered. */
  keyShareGroups?: readonly number[],
): ClientHelloOptions {
  const offeredGroups = groups ?? groupsForVersion(version);
  return {
    versions: [version],
    cipherSuites,
    ...(version === TlsVersion.SSL_3_0 ? { noExtensions: true } : { groups: offeredGroups }),
    ...(version >= TlsVersion.TLS_1_3
      ? {
          keyShareGroups:
            keyShareGroups ?? (offeredGroups.includes(NamedGroupCode.x25519) ? [NamedGroupCode.x25519] : []),
        }
      : {}),
  };
}

// --- reading one answer ----------------------------------------------------------------------

/** What one raw ClientHello got back: facts only. */
export interface HelloAnswer {
  readonly outcome: TlsHelloOutcome;
  readonly versionCode?: number;
  readonly cipherCode?: number;
  /** TLS 1.3 key_share / HelloRetryRequest group, or the TLS 1.2 ServerKeyExchange curve. */
  readonly groupCode?: number;
  /** Size of the prime in a DHE ServerKeyExchange, in bits. */
  readonly dhPrimeBits?: number;
  readonly helloRetryRequest?: boolean;
  readonly alert?: { readonly code: number; readonly name: string };
  readonly detail: string;
  /** The first bytes of an answer that is not TLS (hex), so a rule can tell what it was. */
  readonly answerPreview?: string;
  /** Read up to the ServerKeyExchange, which came in the ServerHello's own record. */
  readonly keyExchangeInHelloRecord?: boolean;
}

/** At most this many bytes of an unreadable answer are kept as evidence. */
const ANSWER_PREVIEW_BYTES = 16;

function previewOf(bytes: Uint8Array): string | undefined {
  return bytes.length > 0 ? Buffer.from(bytes.subarray(0, ANSWER_PREVIEW_BYTES)).toString('hex') : undefined;
}

/** Whether the bytes so far answer the hello well enough to stop reading. */
export function flightSettled(bytes: Uint8Array, wantKeyExchange: boolean): boolean {
  const flight = readServerFlight(bytes);
  if (flight.complete || flight.alert || flight.error) return true;
  if (!flight.serverHello) return false;
  return !wantKeyExchange || flight.serverKeyExchange !== undefined;
}

/**
 * Pure: what the server's bytes (and how the read ended) say about one hello. Garbage, SSL 2.0
 * style answers, truncated flights and alerts are all answers, never exceptions.
 */
export function interpretServerFlight(
  bytes: Uint8Array,
  ending: ReadResult['kind'] | 'settled',
): HelloAnswer {
  const flight = readServerFlight(bytes);
  const summary = flight.serverHelloSummary;
  if (flight.serverHello && summary) {
    const cipherCode = flight.serverHello.cipherSuite;
    const groupCode =
      summary.keyShareGroup ??
      (flight.serverKeyExchange?.kind === 'ecdhe' ? flight.serverKeyExchange.group : undefined);
    const hrr = summary.helloRetryRequest;
    const dhe = flight.serverKeyExchange?.kind === 'dhe' ? flight.serverKeyExchange : undefined;
    return {
      outcome: 'server-hello',
      versionCode: summary.version,
      cipherCode,
      ...(groupCode !== undefined ? { groupCode } : {}),
      ...(dhe ? { dhPrimeBits: dhPrimeBits(dhe.prime) } : {}),
      ...(hrr ? { helloRetryRequest: true } : {}),
      detail: serverHelloDetail(summary.version, cipherCode, groupCode, hrr),
    };
  }
  if (flight.alert) {
    const name = alertDescriptionName(flight.alert.description);
    return {
      outcome: 'alert',
      alert: { code: flight.alert.description, name },
      detail: `alert ${flight.alert.description} ${name}`,
    };
  }
  const answerPreview = previewOf(bytes);
  const preview = answerPreview ? { answerPreview } : {};
  if (flight.error) {
    return { outcome: 'malformed', detail: `not a TLS answer: ${flight.error.message}`, ...preview };
  }
  if (bytes[0] !== undefined && bytes[0] >= 0x80) {
    return { outcome: 'malformed', detail: 'answered with an SSL 2.0 style record', ...preview };
  }
  switch (ending) {
    case 'reset':
      return { outcome: 'reset', detail: `reset after ${bytes.length} bytes` };
    case 'timeout':
      return { outcome: 'timeout', detail: `no complete answer in time (${bytes.length} bytes)` };
    case 'malformed':
      return { outcome: 'malformed', detail: `unreadable answer (${bytes.length} bytes)`, ...preview };
    default:
      return {
        outcome: 'closed',
        detail: bytes.length === 0 ? 'closed without a byte' : `closed after ${bytes.length} bytes`,
        ...preview,
      };
  }
}

/** True when the answer is a ServerHello in `version` with one of the offered suites. */
export function acceptedIn(answer: HelloAnswer, version: number, offered: readonly number[]): boolean {
  return (
    answer.outcome === 'server-hello' &&
    answer.versionCode === version &&
    answer.cipherCode !== undefined &&
    offered.includes(answer.cipherCode)
  );
}

// --- the peeling algorithm -------------------------------------------------------------------

/**
 * Offers everything, takes what the server picked out, offers the rest, until the server picks
 * nothing (or something not offered). Yields the server's choices in order, in picks + 1 asks.
 * INVARIANT: terminates: each round removes one item or stops.
 */
export async function peel<T>(
  offer: readonly T[],
  ask: (rest: readonly T[]) => Promise<T | undefined>,
  firstPick?: T,
): Promise<T[]> {
  const picked: T[] = [];
  let rest = [...offer];
  if (firstPick !== undefined && rest.includes(firstPick)) {
    picked.push(firstPick);
    rest = rest.filter((item) => item !== firstPick);
  }
  while (rest.length > 0) {
    const choice = await ask(rest);
    if (choice === undefined || !rest.includes(choice)) break;
    picked.push(choice);
    rest = rest.filter((item) => item !== choice);
  }
  return picked;
}

export interface OrderedPeelResult<T> {
  readonly picks: T[];
  /** Whose order the server follows, when it picked at least two and answered the order check. */
  readonly preference?: 'server' | 'client';
}

/**
 * peel for a server that follows the client's order, in half the round trips: each round asks the
 * rest forwards and backwards at once, taking the first and the last item the server accepts.
 * The same answer twice means it was the only one left (no closing ask); two refusals end it.
 * Costs picks + 1 asks when the picks are odd, picks + 2 when even (a sequential peel: picks + 1).
 */
export async function twoEndedPeel<T>(
  rest: readonly T[],
  ask: (rest: readonly T[]) => Promise<T | undefined>,
): Promise<T[]> {
  const picked: T[] = [];
  let left = [...rest];
  // INVARIANT: terminates: each round removes one or two items or stops.
  while (left.length > 0) {
    const [front, back] = await Promise.all([
      ask(left),
      left.length > 1 ? ask([...left].reverse()) : Promise.resolve(undefined),
    ]);
    const frontPick = front !== undefined && left.includes(front) ? front : undefined;
    const backPick = back !== undefined && left.includes(back) ? back : undefined;
    if (frontPick === undefined && backPick === undefined) break;
    if (frontPick === undefined || (backPick === undefined && left.length > 1)) {
      // Only one of the two accepted something: not the client's order after all; go on one by one.
      const pick = (frontPick ?? backPick)!;
      picked.push(pick);
      picked.push(
        ...(await peel(
          left.filter((item) => item !== pick),
          ask,
        )),
      );
      break;
    }
    picked.push(frontPick);
    if (backPick === undefined || backPick === frontPick) break;
    picked.push(backPick);
    left = left.filter((item) => item !== frontPick && item !== backPick);
  }
  return picked;
}

/**
 * peel, plus whose order the server follows, at no extra hello for a server that follows the
 * client's: the second ask offers the rest with the first pick last. A server that follows its own
 * order keeps its first pick (then the rest is asked alone); one that follows the client's takes
 * the first of the rest it accepts, which is the peel's next pick anyway.
 *
 * `anchored`: with a server that follows the client's order, every later ask also ends with the
 * first pick, so the last one is answered with it rather than refused: each ask then offers
 * something the server accepts (the TLS 1.3 group peel rides on these asks).
 */
export async function orderedPeel<T>(
  offer: readonly T[],
  ask: (rest: readonly T[]) => Promise<T | undefined>,
  anchored = false,
): Promise<OrderedPeelResult<T>> {
  const first = await ask(offer);
  if (first === undefined || !offer.includes(first)) return { picks: [] };
  const rest = offer.filter((item) => item !== first);
  if (rest.length === 0) return { picks: [first] };
  const check = await ask([...rest, first]);
  if (check !== undefined && rest.includes(check)) {
    const askAnchored = async (left: readonly T[]) => {
      const choice = await ask([...left, first]);
      return choice === first ? undefined : choice;
    };
    const picks = anchored
      ? await peel(rest, askAnchored, check)
      : [
          check,
          ...(await twoEndedPeel(
            rest.filter((item) => item !== check),
            ask,
          )),
        ];
    // The client's order decides: the offer's order is the one a sequential peel would give.
    const byOffer = (a: T, b: T) => offer.indexOf(a) - offer.indexOf(b);
    return { picks: [first, ...picks.sort(byOffer)], preference: 'client' };
  }
  const picks = await peel(rest, ask);
  // Keeping the first pick says "own order" only when something else it accepts came before it.
  const preference = check === first && picks.length > 0 ? 'server' : undefined;
  return { picks: [first, ...picks], ...(preference ? { preference } : {}) };
}

// --- the driver ------------------------------------------------------------------------------

export interface HelloChannelOptions {
  readonly address: string;
  readonly port: number;
  /** The X.224 request sent before each hello; its answer is read whole (and must select TLS). */
  readonly request: NegotiationRequest;
  readonly timeoutMs: number;
  readonly limiter: Limiter;
  /**
   * Connections the server has not answered yet, at most: a server with a tiny accept backlog
   * (xrdp listens with 2) drops SYNs beyond it, and each drop costs a one-second retransmit.
   */
  readonly admission?: Limiter;
  /** performance.now() after which no hello starts and every read ends: the posture's time budget. */
  readonly deadline?: number;
  /**
   * Connections another stage negotiated and left unused (their X.224 answer selected TLS, nothing
   * unread), each with its cap slot: a hello sent on one saves a connection.
   */
  readonly spares?: SparePool;
  /** Each connect made for a hello (successful or not): the diagnosis's stability samples. */
  readonly onConnect?: (connect: ConnectResult) => void;
  /** The fleet's cap on open sockets, when one is shared (see ProbeOptions.sockets). */
  readonly sockets?: Limiter;
}

/** Upper bound on the clear-text flight read per hello: enough for a long certificate chain. */
export const MAX_FLIGHT_BYTES = 64 * 1024;
const MAX_FLIGHT_RECORDS = 32;

/** Counts what one enumeration sent, for the observation and the benchmark. */
export interface HelloCounters {
  hellosSent: number;
  connectionsOpened: number;
  /** Hellos sent on a spare (see HelloChannelOptions.takeSpare). */
  connectionsReused?: number;
}

/**
 * Sends one ClientHello on its own connection: connect, X.224 request, read the whole confirm,
 * hello, read the flight until it settles (bounded by time and size), close.
 */
export async function sendHello(
  channel: HelloChannelOptions,
  hello: ClientHelloOptions,
  counters: HelloCounters,
  wantKeyExchange = false,
  /** A link of a chain (the next hello waits for this answer): it goes before independent hellos. */
  urgent = false,
): Promise<HelloAnswer> {
  // INVARIANT: terminates: each round either gets a cap slot (and returns) or uses up a spare,
  // and a run has only a handful of spares.
  for (;;) {
    const carrier = await slotOrSpare(channel, urgent);
    if (carrier.kind === 'slot') {
      try {
        return await negotiateAndHello(channel, hello, counters, wantKeyExchange, urgent);
      } finally {
        carrier.release();
      }
    }
    const spare = carrier.spare;
    counters.connectionsReused = (counters.connectionsReused ?? 0) + 1;
    // The spare's own cap slot carries this hello; it is freed with the connection.
    let answer: Awaited<ReturnType<typeof helloOn>>;
    try {
      answer = await helloOn(channel, spare.conversation, hello, counters, wantKeyExchange);
    } finally {
      spare.release();
    }
    // A spare the server has meanwhile dropped says nothing about its TLS: ask on another connection.
    if (!(answer.outcome === 'closed' || answer.outcome === 'reset') || answer.bytesReceived !== 0)
      return answer.answer;
  }
}

/**
 * A cap slot or a spare, whichever comes first. Waiting for a slot alone could wait forever: the
 * slots can all be held by spares that only a new hello would take (issue #13).
 */
async function slotOrSpare(
  channel: HelloChannelOptions,
  urgent: boolean,
): Promise<{ kind: 'slot'; release: () => void } | { kind: 'spare'; spare: Spare }> {
  const idle = channel.spares?.take();
  if (idle) return { kind: 'spare', spare: idle };
  const slot = channel.limiter.request(urgent);
  const spareWait = channel.spares?.wait();
  const first = await Promise.race([
    slot.slot.then((release) => ({ kind: 'slot' as const, release })),
    ...(spareWait ? [spareWait.spare.then((spare) => ({ kind: 'spare' as const, spare }))] : []),
  ]);
  if (first.kind === 'slot') {
    spareWait?.cancel();
    return first;
  }
  // A slot granted meanwhile is not needed: give it back.
  if (!slot.cancel()) void slot.slot.then((release) => release());
  return first;
}

function budgetOf(channel: HelloChannelOptions): number {
  return Math.min(channel.timeoutMs, (channel.deadline ?? Number.POSITIVE_INFINITY) - performance.now());
}

/** Connect, X.224 request, the whole confirm, then the hello (sendHello without a spare). */
async function negotiateAndHello(
  channel: HelloChannelOptions,
  hello: ClientHelloOptions,
  counters: HelloCounters,
  wantKeyExchange: boolean,
  urgent: boolean,
): Promise<HelloAnswer> {
  if (budgetOf(channel) <= 0) return { outcome: 'timeout', detail: 'the enumeration time budget was spent' };
  const admitted = channel.admission ? await channel.admission.acquire(urgent) : () => {};
  // The wait for admission may have spent the budget; a timer below 1 ms warns on Node 24.
  const connect = await connectTcp(
    channel.address,
    channel.port,
    Math.max(1, budgetOf(channel)),
    channel.sockets,
  );
  channel.onConnect?.(connect);
  if (connect.kind === 'failed') {
    admitted();
    return { outcome: 'connect-failed', detail: `${connect.error.code}: ${connect.error.message}` };
  }
  counters.connectionsOpened++;
  const conversation = connect.conversation;
  try {
    conversation.write(buildNegotiationRequest(channel.request));
    const answer = await conversation.readFrame(tpktFrameLength, Math.max(1, budgetOf(channel)));
    // An answer means the server accepted the connection: its backlog slot is free again.
    admitted();
    const confirm = interpretNegotiationAnswer(channel.request, answer);
    if (!selectsTls(confirm) || conversation.pendingBytes > 0) {
      conversation.close();
      return { outcome: 'negotiation-refused', detail: `negotiation answer: ${confirm.outcome}` };
    }
  } catch (error) {
    admitted();
    conversation.close();
    throw error;
  }
  return (await helloOn(channel, conversation, hello, counters, wantKeyExchange)).answer;
}

/**
 * Writes the hello on a negotiated connection and reads the flight until it settles (bounded by
 * time and size), then closes the connection.
 */
async function helloOn(
  channel: HelloChannelOptions,
  conversation: Conversation,
  hello: ClientHelloOptions,
  counters: HelloCounters,
  wantKeyExchange: boolean,
): Promise<{ answer: HelloAnswer; outcome: HelloAnswer['outcome']; bytesReceived: number }> {
  try {
    conversation.write(clientHelloRecord(hello));
    counters.hellosSent++;
    const deadline = performance.now() + Math.max(1, budgetOf(channel));
    let received: Uint8Array = new Uint8Array(0);
    let ending: ReadResult['kind'] | 'settled' = 'timeout';
    // Where a read that stops at the ServerHello would have stopped (see keyExchangeInHelloRecord).
    let helloReadEnd: number | undefined;
    for (let records = 0; records < MAX_FLIGHT_RECORDS; records++) {
      const left = Math.max(1, deadline - performance.now());
      const read = await conversation.readFrame(
        tlsRecordFrameLength,
        left,
        MAX_FLIGHT_BYTES - received.length,
      );
      const chunk = read.kind === 'pdu' ? read.bytes : read.received;
      received = concat(received, chunk);
      if (read.kind !== 'pdu') {
        ending = read.kind;
        break;
      }
      if (helloReadEnd === undefined && flightSettled(received, false)) helloReadEnd = received.length;
      if (flightSettled(received, wantKeyExchange) || received.length >= MAX_FLIGHT_BYTES) {
        ending = 'settled';
        break;
      }
    }
    const read = interpretServerFlight(received, ending);
    const packed =
      wantKeyExchange &&
      helloReadEnd !== undefined &&
      readServerFlight(received.subarray(0, helloReadEnd)).serverKeyExchange !== undefined;
    const answer = packed ? { ...read, keyExchangeInHelloRecord: true } : read;
    return { answer, outcome: answer.outcome, bytesReceived: received.length };
  } finally {
    conversation.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The TLS part of a client profile the simulation needs (structural, so any profile table fits). */
export interface ClientHelloProfile {
  readonly id: string;
  readonly tls: {
    readonly versions: readonly number[];
    readonly cipherSuites: readonly number[];
    readonly groups?: readonly number[];
    readonly signatureAlgorithms?: readonly number[];
  };
}

export interface PostureOptions extends HelloChannelOptions {
  /** Enumerate versions, suites and groups (default true). */
  readonly enumerate?: boolean;
  /** The profiles whose answers are wanted: computed from the enumeration where it establishes them, else sent. */
  readonly clients?: readonly ClientHelloProfile[];
  /** Send every profile's hello even where the enumeration establishes its answer (the matrix test's reference). */
  readonly sendEveryClientHello?: boolean;
  readonly serverName?: string;
}

interface VersionResult {
  readonly probe: TlsVersionProbe;
  readonly ciphers: TlsAcceptedCipher[];
  readonly dhe?: TlsDheParameters;
  readonly facts: VersionChoiceFacts;
}

/**
 * Sends a hello, or gives the answer already had for the same hello: the first ask of one chain
 * can be another's (the TLS 1.3 group peel starts with the TLS 1.3 version's full offer).
 */
type Ask = (hello: ClientHelloOptions, wantKeyExchange: boolean, urgent: boolean) => Promise<HelloAnswer>;

interface AskedHello {
  readonly hello: ClientHelloOptions;
  readonly answer: HelloAnswer;
}

/** askOnce's asks, each with the server_name every enumeration hello carries, and what they got. */
function askOnce(options: PostureOptions, counters: HelloCounters, asked: AskedHello[]): Ask {
  const sent = new Map<string, Promise<HelloAnswer>>();
  return (bare, wantKeyExchange, urgent) => {
    const hello = options.serverName ? { ...bare, serverName: options.serverName } : bare;
    const key = JSON.stringify([hello, wantKeyExchange]);
    let answer = sent.get(key);
    if (answer === undefined) {
      answer = sendHello(options, hello, counters, wantKeyExchange, urgent);
      void answer.then((got) => asked.push({ hello, answer: got }));
      sent.set(key, answer);
    }
    return answer;
  };
}

/** The enumeration's first hello for a version: every suite it can carry, every group. */
function fullOffer(version: number): ClientHelloOptions {
  return postureHello(version, suitesForVersion(version));
}

/**
 * TLS 1.2 and older hellos are read up to the ServerKeyExchange: its curve (ECDHE) or prime (DHE)
 * comes with the suite peel, at no extra hello.
 */
function wantsKeyExchange(version: number): boolean {
  return version < TlsVersion.TLS_1_3;
}

/**
 * The TLS 1.3 groups learnt so far, in the server's order. The suite peel's hellos that offer a
 * suite the server is known to accept carry only the groups not learnt yet, so each one also
 * names the next group (in its key share or HelloRetryRequest); their refusal then says no group
 * is left. The group peel proper goes on from there.
 */
class Tls13Groups {
  readonly picks: number[] = [];
  /** False once a hello offering an accepted suite and the unlearnt groups was refused. */
  open = true;
  private readonly all = groupsForVersion(TlsVersion.TLS_1_3);

  unlearnt(): number[] {
    return this.all.filter((code) => !this.picks.includes(code));
  }

  learn(answer: HelloAnswer, offered: readonly number[]): void {
    const group = answer.groupCode;
    if (group !== undefined && offered.includes(group) && !this.picks.includes(group)) this.picks.push(group);
  }
}

async function enumerateVersion(
  ask: Ask,
  entry: (typeof POSTURE_VERSIONS)[number],
  tls13Groups?: Tls13Groups,
): Promise<VersionResult> {
  const offer = suitesForVersion(entry.code);
  const keyExchange = wantsKeyExchange(entry.code);
  const answers = new Map<number, HelloAnswer>();
  let lastRefusal: HelloAnswer | undefined;
  const askSuites = async (suites: readonly number[]): Promise<HelloAnswer> => {
    const carriesGroups = tls13Groups?.open === true && suites.some((code) => answers.has(code));
    if (tls13Groups && carriesGroups) {
      const groups = tls13Groups.unlearnt();
      const answer = await ask(postureHello(entry.code, suites, groups), keyExchange, true);
      if (acceptedIn(answer, entry.code, suites)) {
        tls13Groups.learn(answer, groups);
        return answer;
      }
      // An accepted suite was offered: the refusal is for the groups. Ask again with every group.
      tls13Groups.open = false;
    }
    const answer = await ask(postureHello(entry.code, suites), keyExchange, true);
    if (tls13Groups && suites.length === offer.length)
      tls13Groups.learn(answer, groupsForVersion(entry.code));
    return answer;
  };
  const { picks, preference } = await orderedPeel(
    offer,
    async (rest) => {
      const answer = await askSuites(rest);
      if (!acceptedIn(answer, entry.code, rest)) {
        lastRefusal = answer;
        return undefined;
      }
      if (!answers.has(answer.cipherCode!)) answers.set(answer.cipherCode!, answer);
      return answer.cipherCode;
    },
    tls13Groups !== undefined,
  );
  // The answer to the full offer: what a client offering this version gets (later asks are peels).
  const firstAnswer = await ask(fullOffer(entry.code), keyExchange, true);
  const ciphers = picks.map((code, index) => {
    const group = answers.get(code)?.groupCode;
    return {
      version: entry.version,
      code,
      name: cipherSuiteName(code),
      rank: index + 1,
      ...(group !== undefined ? { group: namedGroupName(group) } : {}),
    };
  });
  // Servers use one DH group for every DHE suite: the first DHE pick's ServerKeyExchange shows it.
  const dheAnswer = picks
    .map((code) => answers.get(code)!)
    .find((answer) => cipherSuiteByCode(answer.cipherCode!)?.keyExchange === 'DHE');
  const dhe: TlsDheParameters | undefined =
    dheAnswer?.dhPrimeBits !== undefined
      ? {
          version: entry.version,
          code: dheAnswer.cipherCode!,
          name: cipherSuiteName(dheAnswer.cipherCode!),
          primeBits: dheAnswer.dhPrimeBits,
        }
      : undefined;
  const ecdheAnswers = [...answers.values()].filter(
    (answer) => cipherSuiteByCode(answer.cipherCode!)?.keyExchange === 'ECDHE',
  );
  return {
    probe: {
      version: entry.version,
      accepted: picks.length > 0,
      ...(preference ? { preference } : {}),
      answer: firstAnswer.detail,
      outcome: firstAnswer.outcome,
      ...(firstAnswer.answerPreview ? { answerPreview: firstAnswer.answerPreview } : {}),
    },
    ciphers,
    ...(dhe ? { dhe } : {}),
    facts: {
      code: entry.code,
      accepted: picks.length > 0,
      fullOfferAnswer: firstAnswer,
      suites: picks,
      ...(preference ? { preference } : {}),
      ...(lastRefusal ? { noCommonSuite: lastRefusal } : {}),
      curves: [
        ...new Set(
          ecdheAnswers.flatMap((answer) => (answer.groupCode !== undefined ? [answer.groupCode] : [])),
        ),
      ],
      keyExchangeInHelloRecord: ecdheAnswers.some((answer) => answer.keyExchangeInHelloRecord),
    },
  };
}

/**
 * A protocol_version alert to a hello offering up to TLS 1.1 says the server has no version that
 * old: a server MUST answer a newer client in its own highest version (RFC 5246 Appendix E.1), so
 * one that served TLS 1.0 or SSL 3.0 would have. Other refusals (a close, handshake_failure) may be
 * version intolerance, so the older versions are then asked themselves.
 */
function refusesOlderVersions(answer: HelloAnswer): boolean {
  return answer.outcome === 'alert' && answer.alert?.code === ALERT_PROTOCOL_VERSION;
}

const ALERT_PROTOCOL_VERSION = 70;

/**
 * A version left unasked because a newer one's answer covers it: a protocol_version alert (see
 * refusesOlderVersions), or a ServerHello in an older version than both.
 */
function notAsked(
  entry: (typeof POSTURE_VERSIONS)[number],
  by: TlsProtocolVersion,
  answer: HelloAnswer,
): VersionResult {
  return {
    probe: { version: entry.version, accepted: false, answer: `not asked: ${by} got ${answer.detail}` },
    ciphers: [],
    facts: {
      code: entry.code,
      accepted: false,
      fullOfferAnswer: answer,
      suites: [],
      ...(answer.outcome === 'server-hello' ? {} : { noCommonSuite: answer }),
      curves: [],
      keyExchangeInHelloRecord: false,
    },
  };
}

/**
 * Groups for one version, peeled like the suites. TLS 1.3 names its group in key_share or a
 * HelloRetryRequest; TLS 1.2 in the ServerKeyExchange of an ECDHE suite.
 */
async function enumerateGroups(
  ask: Ask,
  entry: (typeof POSTURE_VERSIONS)[number],
  learnt?: Tls13Groups,
): Promise<TlsAcceptedGroup[]> {
  const tls13 = entry.code >= TlsVersion.TLS_1_3;
  const suites = tls13
    ? suitesForVersion(entry.code)
    : suitesForVersion(entry.code).filter((code) => cipherSuiteByCode(code)?.keyExchange === 'ECDHE');
  const known = learnt?.picks ?? [];
  const allGroups = groupsForVersion(entry.code).filter((code) => !known.includes(code));
  const more =
    learnt?.open === false
      ? []
      : await peel(allGroups, async (rest) => {
          // TLS 1.3's first ask is the version's full offer, already on its way (askOnce).
          const answer = await ask(postureHello(entry.code, suites, rest), !tls13, true);
          if (!acceptedIn(answer, entry.code, suites)) return undefined;
          return answer.groupCode;
        });
  return [...known, ...more].map((code) => ({ version: entry.version, code, name: namedGroupName(code) }));
}

/** A key naming what a profile's hello puts on the wire, so identical hellos are sent once. */
export function helloKey(profile: ClientHelloProfile): string {
  const { versions, cipherSuites, groups, signatureAlgorithms } = profile.tls;
  return JSON.stringify([versions, cipherSuites, groups ?? null, signatureAlgorithms ?? null]);
}

export function clientHelloOptions(profile: ClientHelloProfile, serverName?: string): ClientHelloOptions {
  const { versions, cipherSuites, groups, signatureAlgorithms } = profile.tls;
  return {
    versions,
    cipherSuites,
    ...(groups ? { groups } : {}),
    ...(signatureAlgorithms ? { signatureAlgorithms } : {}),
    ...(serverName ? { serverName } : {}),
  };
}

export function clientAnswer(profile: string, answer: HelloAnswer, computed = false): ClientHelloAnswer {
  const version =
    answer.versionCode !== undefined
      ? (versionLabel(answer.versionCode) ?? tlsVersionName(answer.versionCode))
      : undefined;
  return {
    profile,
    outcome: answer.outcome,
    ...(version !== undefined ? { version, versionCode: answer.versionCode } : {}),
    ...(answer.cipherCode !== undefined
      ? { cipherCode: answer.cipherCode, cipher: cipherSuiteName(answer.cipherCode) }
      : {}),
    ...(answer.groupCode !== undefined ? { group: namedGroupName(answer.groupCode) } : {}),
    ...(answer.helloRetryRequest ? { helloRetryRequest: true } : {}),
    ...(answer.alert ? { alert: answer.alert } : {}),
    detail: answer.detail,
    ...(answer.answerPreview ? { answerPreview: answer.answerPreview } : {}),
    ...(computed ? { computed: true } : {}),
  };
}

/**
 * Each profile's answer: computed from the server's choice rule where the enumeration established
 * it (`facts`), else from the profile's own hello, sent once per distinct hello.
 */
async function simulateClients(
  options: PostureOptions,
  counters: HelloCounters,
  profiles: readonly ClientHelloProfile[],
  facts: ServerChoiceFacts | undefined,
): Promise<ClientHelloAnswer[]> {
  const byKey = new Map<string, Promise<{ readonly answer: HelloAnswer; readonly computed: boolean }>>();
  for (const profile of profiles) {
    const key = helloKey(profile);
    if (byKey.has(key)) continue;
    const empty = profile.tls.versions.length === 0 || profile.tls.cipherSuites.length === 0;
    const hello = clientHelloOptions(profile, options.serverName);
    const prediction = !empty && facts ? predictAnswer(facts, hello) : undefined;
    byKey.set(
      key,
      empty
        ? Promise.resolve({
            answer: { outcome: 'not-sent', detail: 'the profile offers no TLS version or cipher suite' },
            computed: false,
          })
        : prediction?.kind === 'computed'
          ? Promise.resolve({ answer: prediction.answer, computed: true })
          : sendHello(options, hello, counters).then((answer) => ({ answer, computed: false })),
    );
  }
  return Promise.all(
    profiles.map(async (profile) => {
      const { answer, computed } = await byKey.get(helloKey(profile))!;
      return clientAnswer(profile.id, answer, computed);
    }),
  );
}

/**
 * Versions, suites (in the server's order) and groups, then the client profiles' answers. All
 * chains run at once; the limiter keeps the connections to the per-host cap.
 */
export async function probeTlsPosture(options: PostureOptions): Promise<TlsPostureObservation> {
  const counters: HelloCounters = { hellosSent: 0, connectionsOpened: 0, connectionsReused: 0 };
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const enumerate = options.enumerate ?? true;
  const asked: AskedHello[] = [];
  const ask = askOnce(options, counters, asked);
  // Groups are enumerated once, under the newest version that carries them: TLS 1.3 when the
  // server speaks it, else TLS 1.2's ECDHE curves, when the server speaks TLS 1.2 at all.
  const [tls13, tls12] = [TlsVersion.TLS_1_3, TlsVersion.TLS_1_2].map((code) =>
    POSTURE_VERSIONS.find((entry) => entry.code === code)!,
  );
  const tls13Groups = new Tls13Groups();
  const tls13Result = enumerate ? enumerateVersion(ask, tls13!, tls13Groups) : undefined;
  const enumerateGroupsOnce = async (): Promise<TlsAcceptedGroup[]> => {
    await tls13Result;
    const newest = await enumerateGroups(ask, tls13!, tls13Groups);
    if (newest.length > 0) return newest;
    const tls12Offer = suitesForVersion(tls12!.code);
    const tls12Answer = await ask(fullOffer(tls12!.code), wantsKeyExchange(tls12!.code), true);
    if (!acceptedIn(tls12Answer, tls12!.code, tls12Offer)) return [];
    return enumerateGroups(ask, tls12!);
  };
  const tls11 = POSTURE_VERSIONS.find((entry) => entry.code === TlsVersion.TLS_1_1)!;
  // TLS 1.2's full offer answered in TLS 1.0 or older: by the same rule, the server has no TLS 1.1.
  const tls11Result = enumerate
    ? ask(fullOffer(tls12!.code), wantsKeyExchange(tls12!.code), true).then((answer) =>
        answer.outcome === 'server-hello' && answer.versionCode! < tls11.code
          ? notAsked(tls11, tls12!.version, answer)
          : enumerateVersion(ask, tls11),
      )
    : undefined;
  const olderThanTls11 = async (entry: (typeof POSTURE_VERSIONS)[number]): Promise<VersionResult> => {
    const refusal = (await tls11Result!).facts.fullOfferAnswer;
    return refusesOlderVersions(refusal)
      ? notAsked(entry, tls11.version, refusal)
      : enumerateVersion(ask, entry);
  };
  const [versionResults, groupResults] = await Promise.all([
    enumerate
      ? Promise.all(
          POSTURE_VERSIONS.map((entry) =>
            entry === tls13
              ? tls13Result!
              : entry === tls11
                ? tls11Result!
                : entry.code < tls11.code
                  ? olderThanTls11(entry)
                  : enumerateVersion(ask, entry),
          ),
        )
      : [],
    enumerate ? enumerateGroupsOnce() : [],
  ]);
  const facts =
    enumerate && !options.sendEveryClientHello
      ? choiceFacts(versionResults, groupResults, asked, performance.now() < deadline, options.serverName)
      : undefined;
  const clients = await simulateClients(options, counters, options.clients ?? [], facts);
  return {
    underProtocol: options.request.label,
    versions: versionResults.map((result) => result.probe),
    ciphers: versionResults.flatMap((result) => result.ciphers),
    groups: groupResults,
    ...(versionResults.some((result) => result.dhe)
      ? { dhe: versionResults.flatMap((result) => (result.dhe ? [result.dhe] : [])) }
      : {}),
    ...(options.clients ? { clients } : {}),
    hellosSent: counters.hellosSent,
    connectionsOpened: counters.connectionsOpened,
    connectionsReused: counters.connectionsReused ?? 0,
    ...(performance.now() >= deadline ? { budgetSpent: true } : {}),
  };
}

/** The enumeration's results as the choice rule's input, checked against every answer it got. */
function choiceFacts(
  versionResults: readonly VersionResult[],
  groups: readonly TlsAcceptedGroup[],
  asked: readonly AskedHello[],
  inBudget: boolean,
  serverName: string | undefined,
): ServerChoiceFacts {
  const tls12Groups = groups.filter((group) => group.version === 'TLSv1.2').map((group) => group.code);
  const facts: ServerChoiceFacts = {
    versions: versionResults.map((result) =>
      result.facts.code === TlsVersion.TLS_1_2 && tls12Groups.length > 0
        ? { ...result.facts, curves: [...new Set([...result.facts.curves, ...tls12Groups])] }
        : result.facts,
    ),
    tls13Groups: groups.filter((group) => group.version === 'TLSv1.3').map((group) => group.code),
    established: inBudget,
    ...(inBudget ? {} : { notEstablishedBecause: 'the enumeration ran out of time' }),
    ...(serverName ? { serverName } : {}),
  };
  return verifyChoiceFacts(facts, asked);
}

/** A client profile's hello: its default versions, TLS 1.3 suites then older suites, groups, signature schemes. */
export function helloProfileOf(profile: ClientProfile): ClientHelloProfile {
  const versions = profile.tls.versions.flatMap((name) =>
    POSTURE_VERSIONS.filter((entry) => entry.version === name).map((entry) => entry.code),
  );
  const { groups, signatureAlgorithms } = profile.tls;
  return {
    id: profile.id,
    tls: {
      versions,
      cipherSuites: [...profile.tls.tls13CipherSuites, ...profile.tls.cipherSuites],
      ...(groups.length > 0 ? { groups } : {}),
      ...(signatureAlgorithms.length > 0 ? { signatureAlgorithms } : {}),
    },
  };
}

/** One line for the stage ladder: versions accepted, suites, hellos. */
export function postureSummary(observation: TlsPostureObservation): string {
  const accepted = observation.versions.filter((entry) => entry.accepted).map((entry) => entry.version);
  const versions = accepted.length > 0 ? accepted.join(', ') : 'no version accepted';
  return `${versions}; ${observation.ciphers.length} cipher suites, ${observation.groups?.length ?? 0} groups (${observation.hellosSent ?? 0} hellos)`;
}
