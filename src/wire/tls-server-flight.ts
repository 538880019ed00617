import { DecodeError } from './errors.js';
import { decodeTlsAlert, type TlsAlert } from './tls-alert.js';
import { type CertificateMessage, decodeCertificateMessage } from './tls-certificate.js';
import { HandshakeReassembler, HandshakeType } from './tls-handshake.js';
import { ContentType, splitTlsRecords } from './tls-record.js';
import {
  decodeServerHello,
  type ServerHello,
  type ServerHelloSummary,
  summarizeServerHello,
} from './tls-server-hello.js';
import { decodeServerKeyExchange, type ServerKeyExchange } from './tls-server-key-exchange.js';

/**
 * Reads what a server sends in answer to one ClientHello, up to the first point where nothing more
 * can be read in the clear: ServerHelloDone (TLS <= 1.2), the end of the ServerHello (TLS 1.3 and
 * HelloRetryRequest, after which the server waits or encrypts), an alert, or bytes that are not TLS.
 * Never throws: a malformed answer is returned as `error` alongside whatever decoded before it.
 */
export interface ServerFlight {
  readonly serverHello?: ServerHello;
  readonly serverHelloSummary?: ServerHelloSummary;
  readonly certificates?: CertificateMessage;
  readonly serverKeyExchange?: ServerKeyExchange;
  readonly serverHelloDone: boolean;
  readonly alert?: TlsAlert;
  /** Record version of the first record: what the server's record layer speaks. */
  readonly recordVersion?: number;
  /** Handshake message types in order, including ones not decoded here (e.g. CertificateRequest). */
  readonly handshakeTypes: readonly number[];
  /** True when the flight reached a natural stop (done, alert, TLS 1.3 / HRR hello); false if more bytes are needed. */
  readonly complete: boolean;
  readonly error?: DecodeError;
}

export interface ServerFlightOptions {
  /**
   * How to read ServerKeyExchange for the chosen suite. Without it, a body starting with
   * named_curve (3) whose point length fits is read as ECDHE, anything else as DHE.
   */
  readonly keyExchangeOf?: (cipherSuite: number) => 'ecdhe' | 'dhe' | undefined;
}

interface MutableFlight {
  serverHello?: ServerHello;
  serverHelloSummary?: ServerHelloSummary;
  certificates?: CertificateMessage;
  serverKeyExchange?: ServerKeyExchange;
  serverHelloDone: boolean;
  alert?: TlsAlert;
  recordVersion?: number;
  handshakeTypes: number[];
  complete: boolean;
  error?: DecodeError;
}

export function readServerFlight(bytes: Uint8Array, options: ServerFlightOptions = {}): ServerFlight {
  const flight: MutableFlight = { serverHelloDone: false, handshakeTypes: [], complete: false };
  const split = splitTlsRecords(bytes);
  if (split.records[0]) flight.recordVersion = split.records[0].version;
  const reassembler = new HandshakeReassembler();
  try {
    for (const record of split.records) {
      if (record.contentType === ContentType.ALERT) {
        flight.alert = decodeTlsAlert(record.fragment);
        flight.complete = true;
        return flight;
      }
      if (record.contentType !== ContentType.HANDSHAKE) {
        // ChangeCipherSpec or encrypted data: nothing further is readable in the clear.
        flight.complete = flight.serverHello !== undefined;
        return flight;
      }
      for (const message of reassembler.push(record.fragment)) {
        flight.handshakeTypes.push(message.type);
        if (readMessage(flight, message.type, message.body, options)) {
          flight.complete = true;
          return flight;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    flight.error = error;
    return flight;
  }
  if (split.error) flight.error = split.error;
  return flight;
}

/** Returns true when the flight is over. */
function readMessage(
  flight: MutableFlight,
  type: number,
  body: Uint8Array,
  options: ServerFlightOptions,
): boolean {
  switch (type) {
    case HandshakeType.SERVER_HELLO: {
      const hello = decodeServerHello(body);
      flight.serverHello = hello;
      const summary = summarizeServerHello(hello);
      flight.serverHelloSummary = summary;
      // TLS 1.3 encrypts everything after ServerHello; a HelloRetryRequest waits for a new ClientHello.
      return summary.helloRetryRequest || summary.version >= 0x0304;
    }
    case HandshakeType.CERTIFICATE:
      flight.certificates = decodeCertificateMessage(body);
      return false;
    case HandshakeType.SERVER_KEY_EXCHANGE: {
      const suite = flight.serverHello?.cipherSuite;
      const kind =
        (suite !== undefined ? options.keyExchangeOf?.(suite) : undefined) ?? guessKeyExchange(body);
      flight.serverKeyExchange = decodeServerKeyExchange(body, kind);
      return false;
    }
    case HandshakeType.SERVER_HELLO_DONE:
      flight.serverHelloDone = true;
      return true;
    default:
      return false;
  }
}

function guessKeyExchange(body: Uint8Array): 'ecdhe' | 'dhe' {
  return body.length >= 4 && body[0] === 3 && 4 + body[3]! <= body.length ? 'ecdhe' : 'dhe';
}
