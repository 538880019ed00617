import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { subjectPublicKeyFromCertificate } from '../wire/credssp-crypto.js';
import { isDecodeError } from '../wire/errors.js';
import { EncryptionLevel } from '../wire/gcc.js';
import {
  AvId,
  avString,
  avTimestamp,
  DEFAULT_NEGOTIATE_FLAGS,
  encodeNtlmChallenge,
  findNtlmMessage,
  NtlmMessageType,
  NTLMSSP_REVISION_W2K3,
  NtlmFlag,
} from '../wire/ntlm.js';
import {
  type NegFailure,
  NegFailureCode,
  type NegResponse,
  NegResponseFlag,
  Protocol,
} from '../wire/rdp-neg.js';
import { TPKT_VERSION, tpktFrameLength } from '../wire/tpkt.js';
import { decodeTsRequest, encodeTsRequest, tsRequestFrameLength } from '../wire/ts-request.js';
import { type ConnectionRequest, decodeConnectionRequest, encodeConnectionConfirm } from '../wire/x224.js';
import { labCertificate } from './certificates.js';
import { ConnectionSequenceServer, type SequenceBehaviour } from './connection-sequence.js';
import { CredsspServer } from './credssp-server.js';
import { labStandardSecurityKey } from './sequence-licensing.js';
import type { LabStandardSecurity } from './sequence-security.js';
import {
  type CredsspBehaviour,
  type DripAnswer,
  findScenario,
  type LabAccount,
  type LabScenario,
  type NegotiationAnswer,
  type SessionBehaviour,
  type TlsBehaviour,
} from './scenarios.js';
import { fatalAlertRecord, peekClientHello } from './tls-record.js';

/** What the lab saw, counted as it happens (the object is live). */
export interface LabStats {
  connections: number;
  /** X.224 Connection Requests that decoded. */
  x224Requests: number;
  /** First TLS records after a Connection Confirm that were a ClientHello (type 22, handshake 1). */
  tlsClientHellos: number;
  handshakesCompleted: number;
  /** NTLM AUTHENTICATE messages received in a CredSSP TSRequest (none may come without --user). */
  ntlmAuthenticates: number;
  /** Client Info PDUs received, and those carrying a user name or a password (none without --user). */
  clientInfos: number;
  credentialedClientInfos: number;
  /** Demand Active PDUs sent: connections that reached the logon screen. */
  demandActives: number;
}

export interface LabServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Names the good certificates are issued for; default: the listen address, localhost, this host's name. */
  readonly certificateNames?: readonly string[];
}

export interface LabServer {
  readonly scenario: LabScenario;
  readonly host: string;
  readonly port: number;
  readonly stats: Readonly<LabStats>;
  /** Stops listening and ends every connection. Safe to call more than once. */
  close(): Promise<void>;
}

/** An error naming a scenario id the catalogue does not have. */
export class UnknownScenarioError extends Error {
  constructor(readonly scenarioId: string) {
    super(`unknown lab scenario '${scenarioId}'`);
    this.name = 'UnknownScenarioError';
  }
}

/** A client sending more than this before its Connection Request completes is cut off. */
const MAX_PENDING_BYTES = 64 * 1024;
const MAX_CONNECTIONS = 256;
/** Windows answers with this source reference; clients ignore it. */
const SERVER_SOURCE_REFERENCE = 0x1234;
const RESPONSE_FLAGS =
  NegResponseFlag.EXTENDED_CLIENT_DATA_SUPPORTED |
  NegResponseFlag.DYNVC_GFX_PROTOCOL_SUPPORTED |
  NegResponseFlag.NEGRSP_FLAG_RESERVED;
/**
 * TPKT (03 00 00 09) + X.224 Data TPDU (02 f0 80) + MCS Disconnect Provider Ultimatum (21 80,
 * T.125 reason rn-user-requested): what xrdp 0.9.21 answers a ClientHello with when its TLS setup
 * fails (captured from xrdp with a 1024-bit key at OpenSSL SECLEVEL 2).
 */
const XRDP_DISCONNECT_ULTIMATUM = Buffer.from('0300000902f0802180', 'hex');
const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';
const HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\nServer: rdp-doctor-lab\r\nContent-Type: text/plain\r\n' +
  'Content-Length: 12\r\nConnection: close\r\n\r\nBad Request\n';
/** A TPKT header promising the largest PDU, with nothing behind it. */
const OVERSIZED_TPKT_HEADER = Uint8Array.of(0x03, 0x00, 0xff, 0xff);
const GARBAGE_SIZE = 64;
/** A drip sends a piece this often (at most): 20 B/s is then one byte every 50 ms. */
const DRIP_TICKS_PER_SECOND = 20;
/** Early User Authorization Result (MS-RDPBCGR 2.2.10.2): AUTHZ_SUCCESS and AUTHZ_ACCESS_DENIED. */
const AUTHZ_SUCCESS = 0x00000000;
const AUTHZ_ACCESS_DENIED = 0x00000005;
/** ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES: the HYBRID (no early authorization) form of the same refusal. */
const ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES = 0x9;
const noop = (): void => {};

/** What every connection of one lab server shares: made once, before listening. */
interface LabKeys {
  readonly secureContext?: SecureContext;
  /** The TLS certificate's SubjectPublicKey, which CredSSP binds to. */
  readonly tlsSubjectPublicKey?: Uint8Array;
  /** The RSA key and proprietary certificate of Standard RDP Security. */
  readonly standardSecurity?: LabStandardSecurity;
}

/** Starts a fault-injecting RDP listener playing one scenario. */
export async function startLabServer(
  scenarioOrId: LabScenario | string,
  options: LabServerOptions,
): Promise<LabServer> {
  const scenario = typeof scenarioOrId === 'string' ? findScenario(scenarioOrId) : scenarioOrId;
  if (!scenario) throw new UnknownScenarioError(String(scenarioOrId));
  // Keys and certificates are made before listening so a failure surfaces here, not on the first client.
  const keys = await labKeys(scenario, options.certificateNames ?? [options.host, 'localhost', hostname()]);

  const stats: LabStats = {
    connections: 0,
    x224Requests: 0,
    tlsClientHellos: 0,
    handshakesCompleted: 0,
    ntlmAuthenticates: 0,
    clientInfos: 0,
    credentialedClientInfos: 0,
    demandActives: 0,
  };
  const connections = new Set<Connection>();
  const server = createServer({ pauseOnConnect: false, noDelay: true });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket) => {
    const connection = new Connection(socket, scenario, stats, keys);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
    connection.start();
  });

  await listen(server, options.host, options.port);
  server.on('error', noop);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    scenario,
    host: options.host,
    port,
    stats,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.destroy();
        connections.clear();
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function labKeys(scenario: LabScenario, names: readonly string[]): Promise<LabKeys> {
  const behaviour = scenario.behaviour;
  if (behaviour.kind !== 'negotiate') return {};
  const standardSecurity =
    behaviour.answer.kind === 'standard-rdp-only' ? labStandardSecurityKey() : undefined;
  const tls = behaviour.tls;
  if (tls?.kind !== 'handshake') return standardSecurity ? { standardSecurity } : {};
  const certificate = await labCertificate(tls.certificate, [...new Set(names)]);
  const secureContext = createSecureContext({
    cert: certificate.certificatePem,
    key: certificate.privateKeyPem,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
  });
  const tlsSubjectPublicKey = tls.credssp?.accounts
    ? subjectPublicKeyFromCertificate(new X509Certificate(certificate.certificatePem).raw)
    : undefined;
  return {
    secureContext,
    ...(tlsSubjectPublicKey ? { tlsSubjectPublicKey } : {}),
    ...(standardSecurity ? { standardSecurity } : {}),
  };
}

/** What the server answers to a request, per MS-RDPBCGR 3.3.5.3.1 as a Windows host would. */
export function answerFor(answer: NegotiationAnswer, requestedProtocols: number): NegResponse | NegFailure {
  const failure = (failureCode: number): NegFailure => ({ type: 'failure', flags: 0, failureCode });
  switch (answer.kind) {
    case 'failure':
      return failure(answer.failureCode);
    case 'select-tls': {
      const offersTls = (requestedProtocols & (Protocol.SSL | Protocol.HYBRID | Protocol.HYBRID_EX)) !== 0;
      return offersTls
        ? { type: 'response', flags: RESPONSE_FLAGS, selectedProtocol: Protocol.SSL }
        : failure(NegFailureCode.SSL_REQUIRED_BY_SERVER);
    }
    case 'standard-rdp-only':
      return requestedProtocols === Protocol.RDP
        ? { type: 'response', flags: RESPONSE_FLAGS, selectedProtocol: Protocol.RDP }
        : failure(NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER);
    case 'select-hybrid':
      if (requestedProtocols & Protocol.HYBRID_EX) {
        return { type: 'response', flags: RESPONSE_FLAGS, selectedProtocol: Protocol.HYBRID_EX };
      }
      return requestedProtocols & Protocol.HYBRID
        ? { type: 'response', flags: RESPONSE_FLAGS, selectedProtocol: Protocol.HYBRID }
        : failure(NegFailureCode.HYBRID_REQUIRED_BY_SERVER);
  }
}

/** One client connection playing the scenario. Every path ends in close; nothing throws out. */
class Connection {
  private pending: Buffer = Buffer.alloc(0);
  private readonly timers = new Set<NodeJS.Timeout>();
  private tlsSocket: TLSSocket | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly scenario: LabScenario,
    private readonly stats: LabStats,
    private readonly keys: LabKeys,
  ) {}

  start(): void {
    const { socket, stats } = this;
    stats.connections++;
    socket.on('error', noop);
    socket.once('close', () => this.clearTimers());
    const behaviour = this.scenario.behaviour;
    if (behaviour.kind === 'on-connect') {
      switch (behaviour.action) {
        case 'close':
          socket.end();
          return;
        case 'reset':
          socket.resetAndDestroy();
          return;
        case 'silent':
          socket.resume();
          return;
        case 'ssh-banner':
          socket.write(SSH_BANNER);
          socket.resume();
          return;
      }
    }
    this.collect((buffer) => this.onRequestBytes(buffer));
  }

  destroy(): void {
    this.clearTimers();
    this.tlsSocket?.destroy();
    this.socket.destroy();
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Feeds everything received to `onBytes` (with what is already pending) until it returns true. */
  private collect(onBytes: (buffer: Buffer) => boolean): void {
    const onData = (chunk: Buffer): void => {
      this.pending = Buffer.concat([this.pending, chunk]);
      if (this.pending.length > MAX_PENDING_BYTES) {
        this.socket.off('data', onData);
        this.socket.destroy();
        return;
      }
      if (onBytes(this.pending)) this.socket.off('data', onData);
    };
    this.socket.on('data', onData);
    if (this.pending.length > 0 && onBytes(this.pending)) this.socket.off('data', onData);
  }

  /** Consumes `length` bytes of what is pending. */
  private take(length: number): Buffer {
    const taken = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    return taken;
  }

  private onRequestBytes(buffer: Buffer): boolean {
    const frame = tpktFrameLength(buffer);
    if (frame.kind === 'malformed') {
      this.socket.destroy();
      return true;
    }
    if (frame.kind === 'need-more' || buffer.length < frame.length) return false;
    this.socket.pause();
    let request: ConnectionRequest;
    try {
      request = decodeConnectionRequest(this.take(frame.length));
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      this.socket.destroy();
      return true;
    }
    this.stats.x224Requests++;
    this.answer(request);
    return true;
  }

  private answer(request: ConnectionRequest): void {
    const { socket } = this;
    const behaviour = this.scenario.behaviour;
    if (behaviour.kind === 'non-rdp-answer') {
      socket.resume();
      if (behaviour.answer === 'oversized-tpkt') {
        socket.write(OVERSIZED_TPKT_HEADER);
        return;
      }
      socket.end(behaviour.answer === 'http' ? Buffer.from(HTTP_ANSWER, 'latin1') : garbage());
      return;
    }
    if (behaviour.kind !== 'negotiate') return;
    const requestedProtocols = request.negotiation?.requestedProtocols ?? Protocol.RDP;
    const negotiation = answerFor(behaviour.answer, requestedProtocols);
    const confirm = encodeConnectionConfirm({
      dstRef: request.srcRef ?? 0,
      srcRef: SERVER_SOURCE_REFERENCE,
      classOptions: 0,
      negotiation,
    });
    const afterConfirm = (): void => {
      if (negotiation.type === 'failure') {
        socket.end();
      } else if (negotiation.selectedProtocol !== Protocol.RDP && behaviour.tls) {
        socket.resume();
        const tls = behaviour.tls;
        const selected = negotiation.selectedProtocol;
        this.collect((buffer) => this.onFirstTlsBytes(buffer, tls, selected, requestedProtocols));
      } else {
        // Standard RDP Security: the connection sequence follows on the bare TCP connection.
        socket.resume();
        this.runSequence(socket, {
          selectedProtocol: Protocol.RDP,
          requestedProtocols,
          session: behaviour.session ?? {},
          head: this.take(this.pending.length),
        });
      }
    };
    if (behaviour.trickleMs !== undefined) {
      this.pace(confirm, 1, behaviour.trickleMs, (piece) => socket.write(piece), afterConfirm);
    } else {
      this.send('connection-confirm', confirm, (piece, done) => socket.write(piece, done), afterConfirm);
    }
  }

  /** Whether the scenario slows this answer down (see DripBehaviour). */
  private drips(answer: DripAnswer): boolean {
    const behaviour = this.scenario.behaviour;
    if (behaviour.kind !== 'negotiate' || !behaviour.drip) return false;
    return behaviour.drip.answers?.includes(answer) ?? true;
  }

  /**
   * Writes one answer at full speed, or paced when the scenario drips it; then calls `done`
   * (at full speed, once the write is flushed: `write` must pass `done` on to the socket).
   */
  private send(
    answer: DripAnswer,
    bytes: Uint8Array,
    write: (piece: Uint8Array, done?: () => void) => void,
    done: () => void,
  ): void {
    const behaviour = this.scenario.behaviour;
    const bytesPerSecond = behaviour.kind === 'negotiate' ? behaviour.drip?.bytesPerSecond : undefined;
    if (bytesPerSecond === undefined || !this.drips(answer)) {
      write(bytes, done);
      return;
    }
    const pieceBytes = Math.max(1, Math.ceil(bytesPerSecond / DRIP_TICKS_PER_SECOND));
    this.pace(bytes, pieceBytes, (pieceBytes * 1000) / bytesPerSecond, write, done);
  }

  /** Writes `bytes` in pieces of `pieceBytes`, `gapMs` apart, the first at once. Stops if the socket goes. */
  private pace(
    bytes: Uint8Array,
    pieceBytes: number,
    gapMs: number,
    write: (piece: Uint8Array) => void,
    done: () => void,
  ): void {
    let index = 0;
    const next = (): void => {
      if (this.socket.destroyed) return;
      write(bytes.subarray(index, index + pieceBytes));
      index += pieceBytes;
      if (index >= bytes.length) {
        done();
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        next();
      }, gapMs);
      this.timers.add(timer);
    };
    next();
  }

  private onFirstTlsBytes(
    buffer: Buffer,
    behaviour: TlsBehaviour,
    selectedProtocol: number,
    requestedProtocols: number,
  ): boolean {
    const peek = peekClientHello(buffer);
    if (peek === 'need-more') return false;
    this.socket.pause();
    if (peek === 'client-hello') this.stats.tlsClientHellos++;
    if (peek !== 'client-hello' || behaviour.kind === 'abort') {
      // INVARIANT: an abort sends no byte at all, not even an alert.
      this.socket.end();
      return true;
    }
    if (behaviour.kind === 'plain-rdp') {
      this.socket.write(XRDP_DISCONNECT_ULTIMATUM, () => this.socket.resetAndDestroy());
      return true;
    }
    if (behaviour.kind === 'garbage') {
      this.socket.end(garbage());
      return true;
    }
    if (behaviour.kind === 'alert') {
      const alert = fatalAlertRecord(behaviour.description);
      this.send(
        'tls',
        alert,
        (piece, done) => this.socket.write(piece, done),
        () => this.socket.end(),
      );
      return true;
    }
    this.upgrade(this.take(this.pending.length), selectedProtocol, requestedProtocols);
    return true;
  }

  /**
   * Hands the connection to TLS. Bytes already read (the peeked ClientHello) are replayed through
   * a Duplex: a TLSSocket over a net.Socket would read its handle directly and lose them.
   */
  private upgrade(head: Buffer, selectedProtocol: number, requestedProtocols: number): void {
    const { socket, stats } = this;
    const transport = new Duplex({
      read: () => {
        socket.resume();
      },
      write: (chunk: Buffer, _encoding, callback) => {
        if (socket.destroyed) callback();
        // A dripped flight: the next chunk waits for this one's last piece (TLSSocket writes in order).
        else
          this.send(
            'tls',
            chunk,
            (piece, done) => socket.write(piece, done),
            () => callback(),
          );
      },
      final: (callback) => {
        socket.end();
        callback();
      },
      destroy: (error, callback) => {
        socket.destroy();
        callback(error);
      },
    });
    transport.on('error', noop);
    transport.push(head);
    socket.on('data', (chunk: Buffer) => {
      if (!transport.push(chunk)) socket.pause();
    });
    socket.once('end', () => transport.push(null));
    socket.once('close', () => transport.destroy());
    const tlsSocket = new TLSSocket(transport, { isServer: true, secureContext: this.keys.secureContext! });
    this.tlsSocket = tlsSocket;
    tlsSocket.on('error', () => socket.destroy());
    tlsSocket.once('secure', () => {
      stats.handshakesCompleted++;
    });
    const credssp = this.credssp();
    if (!credssp) {
      // TLS without CredSSP: the connection sequence follows the handshake.
      this.runSequence(tlsSocket, { selectedProtocol, requestedProtocols, session: this.session() });
      return;
    }
    if (credssp.accounts) {
      this.runCredssp(tlsSocket, credssp, credssp.accounts, selectedProtocol, requestedProtocols);
      return;
    }
    // NEGOTIATE is answered with a CHALLENGE; whatever the client says next (an AUTHENTICATE,
    // counted but never checked) ends the connection.
    this.readTsRequests(tlsSocket, (request, index) => {
      if (index === 0) {
        // Dripped, each piece is a write of its own, so a TLS record of its own the client can read.
        this.send('credssp', credsspChallenge(credssp), (piece, done) => tlsSocket.write(piece, done), noop);
        return true;
      }
      tlsSocket.end();
      return false;
    });
  }

  /**
   * Reads whole TSRequests (counting the NTLM AUTHENTICATEs among them) and hands each to
   * `onRequest` with its index until it returns false. A malformed one ends the connection.
   */
  private readTsRequests(
    tlsSocket: TLSSocket,
    onRequest: (request: Uint8Array, index: number) => boolean,
  ): void {
    let received = Buffer.alloc(0);
    let index = 0;
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const frame = tsRequestFrameLength(received);
        if (frame.kind === 'need-more') return;
        if (frame.kind === 'malformed' || received.length > MAX_PENDING_BYTES) {
          tlsSocket.off('data', onData);
          tlsSocket.end();
          return;
        }
        if (received.length < frame.length) return;
        // A copy: the machines keep messages (the MIC covers all three NTLM messages).
        const request = Uint8Array.from(received.subarray(0, frame.length));
        received = received.subarray(frame.length);
        if (carriesNtlmAuthenticate(request)) this.stats.ntlmAuthenticates++;
        if (!onRequest(request, index++)) {
          tlsSocket.off('data', onData);
          return;
        }
      }
    };
    tlsSocket.on('data', onData);
  }

  /**
   * The whole CredSSP exchange against the scenario's accounts (credssp-server.ts). A refusal
   * ends the connection after the server's errorCode; an accepted account gets the Early User
   * Authorization Result (HYBRID_EX), then the connection sequence as that user.
   */
  private runCredssp(
    tlsSocket: TLSSocket,
    credssp: CredsspBehaviour,
    accounts: readonly LabAccount[],
    selectedProtocol: number,
    requestedProtocols: number,
  ): void {
    const server = new CredsspServer({
      accounts,
      serverPublicKey: this.keys.tlsSubjectPublicKey!,
      random: (size) => randomBytes(size),
      now: () => new Date(Date.now() + credssp.clockOffsetMs),
      netbiosComputerName: credssp.netbiosName,
      netbiosDomainName: netbiosDomain(credssp.dnsDomain),
      dnsComputerName: `${credssp.netbiosName.toLowerCase()}.${credssp.dnsDomain}`,
      dnsDomainName: credssp.dnsDomain,
      version: credssp.version,
    });
    this.readTsRequests(tlsSocket, (request) => {
      const step = server.receive(request);
      if (step.reply) tlsSocket.write(step.reply);
      if (!step.done) return true;
      const account =
        step.done.outcome === 'ok'
          ? accounts.find((each) => each.user.toLowerCase() === (step.done!.user ?? '').toLowerCase())
          : undefined;
      if (!account) {
        tlsSocket.end();
        return false;
      }
      const loggedOnUser = { userName: step.done.user ?? account.user, domain: step.done.domain ?? '' };
      let session: SessionBehaviour = account.session ?? this.session();
      if (selectedProtocol === Protocol.HYBRID_EX) {
        const denied = account.earlyAuthorization === 'denied';
        tlsSocket.write(u32le(denied ? AUTHZ_ACCESS_DENIED : AUTHZ_SUCCESS));
        if (denied) {
          tlsSocket.end();
          return false;
        }
      } else if (account.earlyAuthorization === 'denied') {
        session = {
          ...session,
          deny: {
            at: 'capabilities',
            denial: { kind: 'error-info', errorInfo: ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES },
          },
        };
      }
      this.runSequence(tlsSocket, { selectedProtocol, requestedProtocols, session, loggedOnUser });
      return false;
    });
  }

  /**
   * Plays the connection sequence (connection-sequence.ts) on `stream`: whole frames to the
   * machine, its frames back, then what it says to do with the connection.
   */
  private runSequence(
    stream: Socket | TLSSocket,
    options: {
      selectedProtocol: number;
      requestedProtocols: number;
      session: SessionBehaviour;
      loggedOnUser?: { userName: string; domain: string };
      head?: Buffer;
    },
  ): void {
    const { stats } = this;
    const level = options.session.encryptionLevel ?? EncryptionLevel.CLIENT_COMPATIBLE;
    const standard = this.keys.standardSecurity;
    const machine = new ConnectionSequenceServer({
      selectedProtocol: options.selectedProtocol,
      requestedProtocols: options.requestedProtocols,
      behaviour: sequenceBehaviour(options.session),
      ...(options.selectedProtocol === Protocol.RDP && standard
        ? { standardSecurity: { encryptionLevel: level, key: standard } }
        : {}),
      ...(options.loggedOnUser ? { loggedOnUser: options.loggedOnUser } : {}),
      random: (size) => randomBytes(size),
    });
    let received: Buffer = options.head ?? Buffer.alloc(0);
    let ended = false;
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length > MAX_PENDING_BYTES) {
        this.destroy();
        return;
      }
      while (!ended && received.length > 0) {
        // Fast-path input is only legal once the client has its Demand Active.
        const length = clientFrameLength(received, machine.demandActives > 0);
        if (length === 'need-more') return;
        if (length === 'malformed') {
          ended = true;
          stream.end();
          return;
        }
        const frame = received.subarray(0, length);
        received = received.subarray(length);
        // Fast-path input (after the Confirm Active) needs no answer.
        if (frame[0] !== TPKT_VERSION) continue;
        const clientInfoBefore = machine.clientInfo;
        const demandActives = machine.demandActives;
        const step = machine.receive(frame);
        const clientInfo = machine.clientInfo;
        if (!clientInfoBefore && clientInfo) {
          stats.clientInfos++;
          if (clientInfo.credentialed) stats.credentialedClientInfos++;
        }
        stats.demandActives += machine.demandActives - demandActives;
        for (const out of step.send) stream.write(out);
        if (step.end === 'close') {
          ended = true;
          stream.end();
        } else if (step.end === 'reset') {
          ended = true;
          this.socket.resetAndDestroy();
        }
      }
    };
    stream.on('data', onData);
    if (received.length > 0) onData(Buffer.alloc(0));
  }

  /** The scenario's connection sequence (a healthy one when it names none). */
  private session(): SessionBehaviour {
    const behaviour = this.scenario.behaviour;
    return behaviour.kind === 'negotiate' ? (behaviour.session ?? {}) : {};
  }

  private credssp(): CredsspBehaviour | undefined {
    const behaviour = this.scenario.behaviour;
    return behaviour.kind === 'negotiate' && behaviour.tls?.kind === 'handshake'
      ? behaviour.tls.credssp
      : undefined;
  }
}

/** A TSRequest carrying an NTLM CHALLENGE that names the lab host, its build and its clock. */
function credsspChallenge(behaviour: CredsspBehaviour): Uint8Array {
  const serverTime = new Date(Date.now() + behaviour.clockOffsetMs);
  const dnsComputer = `${behaviour.netbiosName.toLowerCase()}.${behaviour.dnsDomain}`;
  const domain = behaviour.dnsDomain.split('.')[0]!.toUpperCase();
  const challenge = encodeNtlmChallenge({
    flags: (DEFAULT_NEGOTIATE_FLAGS | NtlmFlag.NEGOTIATE_TARGET_INFO | NtlmFlag.TARGET_TYPE_DOMAIN) >>> 0,
    targetName: domain,
    serverChallenge: randomBytes(8),
    reserved: new Uint8Array(8),
    targetInfo: [
      avString(AvId.MsvAvNbDomainName, domain),
      avString(AvId.MsvAvNbComputerName, behaviour.netbiosName),
      avString(AvId.MsvAvDnsDomainName, behaviour.dnsDomain),
      avString(AvId.MsvAvDnsComputerName, dnsComputer),
      avString(AvId.MsvAvDnsTreeName, behaviour.dnsDomain),
      avTimestamp(serverTime),
    ],
    version: { ...behaviour.productVersion, revision: NTLMSSP_REVISION_W2K3 },
  });
  return encodeTsRequest({ version: behaviour.version, negoTokens: [challenge] });
}

/** The machine's part of a scenario's session (the encryption level is the driver's). */
function sequenceBehaviour(session: SessionBehaviour): SequenceBehaviour {
  const { encryptionLevel: _level, ...behaviour } = session;
  return behaviour;
}

/** "lab.rdp-doctor.invalid" -> "LAB": the NetBIOS domain a Windows host derives from its DNS domain. */
function netbiosDomain(dnsDomain: string): string {
  return dnsDomain.split('.')[0]!.toUpperCase();
}

function u32le(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

/** Whether a TSRequest's negoTokens hold an NTLM AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3, MessageType 3). */
function carriesNtlmAuthenticate(tsRequest: Uint8Array): boolean {
  let tokens: readonly Uint8Array[];
  try {
    tokens = decodeTsRequest(tsRequest).negoTokens ?? [];
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return false;
  }
  return tokens.some((token) => {
    const message = findNtlmMessage(token);
    if (!message || message.length < 12) return false;
    const type = message[8]! | (message[9]! << 8) | (message[10]! << 16) | (message[11]! << 24);
    return type === NtlmMessageType.AUTHENTICATE;
  });
}

/**
 * The length of the client's next frame: a TPKT (first byte 3) or, when `fastPath`, a fast-path
 * input PDU (MS-RDPBCGR 2.2.8.1.2: a length of one byte, or two with the top bit of the first set).
 */
function clientFrameLength(bytes: Uint8Array, fastPath: boolean): number | 'need-more' | 'malformed' {
  if (bytes[0] === TPKT_VERSION) {
    const frame = tpktFrameLength(bytes);
    if (frame.kind === 'malformed') return 'malformed';
    if (frame.kind === 'need-more' || bytes.length < frame.length) return 'need-more';
    return frame.length;
  }
  if (!fastPath) return 'malformed';
  if (bytes.length < 2) return 'need-more';
  const first = bytes[1]!;
  let length = first;
  if (first & 0x80) {
    if (bytes.length < 3) return 'need-more';
    length = ((first & 0x7f) << 8) | bytes[2]!;
  }
  if (length < 2) return 'malformed';
  return bytes.length < length ? 'need-more' : length;
}

function garbage(): Buffer {
  const bytes = randomBytes(GARBAGE_SIZE);
  // Not a TPKT (0x03) nor any TLS record (0x14-0x17): random, but never mistakable for either.
  if (bytes[0] === 0x03 || (bytes[0]! >= 0x14 && bytes[0]! <= 0x17)) bytes[0] = 0xa5;
  return bytes;
}
