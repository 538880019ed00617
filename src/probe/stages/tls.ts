import type net from 'node:net';
import { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { normaliseNetworkError } from '../net-errors.js';
import { stallProgress } from '../stall.js';
import type { TlsAlertInfo, TlsObservation } from '../types.js';

export interface TlsHandshakeResult {
  readonly observation: TlsObservation;
  /** The established TLS socket (for CredSSP); absent when the handshake failed. */
  readonly socket?: tls.TLSSocket;
}

/**
 * The handshake a permissive real client does: any version from TLS 1.0 to 1.3 and OpenSSL's
 * legacy-inclusive cipher list, so we learn what the server picks rather than fail on our policy.
 * Whether a given client would accept that choice is the rules' and the client profiles' job.
 */
export const PERMISSIVE_CLIENT_OPTIONS: tls.ConnectionOptions = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.3',
  ciphers: 'ALL:@SECLEVEL=0',
  rejectUnauthorized: false,
  // We never ask Node to verify the chain, so its root store is dead weight: building it parses
  // ~140 certificates, ~18 ms of main-thread work while the other probes wait for their answers.
  ca: [],
};

/** OpenSSL reports a received alert as "... SSL alert number 40". */
export function alertFromError(error: unknown, names: (code: number) => string): TlsAlertInfo | undefined {
  const message = (error as Error)?.message ?? '';
  const match = /SSL alert number (\d+)/.exec(message);
  if (!match) return undefined;
  const code = Number(match[1]);
  return { level: 'fatal', code, name: names(code), from: 'server' };
}

/** DER certificates from leaf to the last one the server sent (Node links them as a cycle at the root). */
export function peerChainDer(socket: tls.TLSSocket): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  let certificate = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (certificate?.raw && chain.length < 16) {
    const der = certificate.raw.toString('base64');
    if (seen.has(der)) break;
    seen.add(der);
    chain.push(der);
    certificate = certificate.issuerCertificate;
  }
  return chain;
}

let tlsModule: Promise<typeof import('node:tls')> | undefined;

/**
 * Node's TLS module (with its crypto) takes ~3 ms to load: the probe starts loading it once its
 * first connection is on its way, instead of before it.
 */
export function loadTls(): Promise<typeof import('node:tls')> {
  tlsModule ??= import('node:tls');
  return tlsModule;
}

/** What the server sent under TLS, seen on the raw socket. */
interface RawBytesSeen {
  count: number;
  /** The first bytes (a record header's worth): enough to tell a TLS flight from anything else. */
  head: Uint8Array;
  firstAt?: number;
  lastAt?: number;
}

/** Bytes of the server's answer kept to check it is a TLS record: its 5-byte header. */
const HEAD_BYTES = 5;

/**
 * The raw socket behind a Duplex, so the bytes the server sends under TLS are seen as they come
 * (a TLSSocket over a net.Socket reads the socket's handle itself, out of our sight): a handshake
 * cut off by the timeout then says how far the server's flight had got.
 */
function observedTransport(raw: net.Socket): { transport: Duplex; seen: RawBytesSeen } {
  const seen: RawBytesSeen = { count: 0, head: new Uint8Array(0) };
  const transport = new Duplex({
    read: () => {
      raw.resume();
    },
    write: (chunk: Buffer, _encoding, callback) => {
      if (raw.destroyed) callback();
      else raw.write(chunk, () => callback());
    },
    final: (callback) => {
      raw.end();
      callback();
    },
    destroy: (error, callback) => {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    const now = performance.now();
    seen.firstAt ??= now;
    seen.lastAt = now;
    seen.count += chunk.length;
    if (seen.head.length < HEAD_BYTES)
      seen.head = new Uint8Array(
        Buffer.concat([seen.head, chunk.subarray(0, HEAD_BYTES - seen.head.length)]),
      );
    if (!transport.push(chunk)) raw.pause();
  });
  raw.once('end', () => transport.push(null));
  raw.once('error', (error) => transport.destroy(error));
  raw.once('close', () => transport.destroy());
  return { transport, seen };
}

export async function handshakeTls(
  raw: net.Socket,
  options: {
    servername?: string;
    timeoutMs: number;
    underProtocol: string;
    alertName: (code: number) => string;
  },
): Promise<TlsHandshakeResult> {
  const tls = await loadTls();
  const started = performance.now();
  const bytesBefore = raw.bytesRead;
  const { transport, seen } = observedTransport(raw);
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      ...PERMISSIVE_CLIENT_OPTIONS,
      socket: transport,
      ...(options.servername ? { servername: options.servername } : {}),
    });
    const finish = (observation: TlsObservation, established?: tls.TLSSocket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!established) socket.destroy();
      resolve(established ? { observation, socket: established } : { observation });
    };
    const ms = () => Math.round(performance.now() - started);
    const base = { underProtocol: options.underProtocol, chainDer: [] as string[] };
    const timer = setTimeout(
      () =>
        finish({
          ...base,
          outcome: 'timeout',
          error: {
            code: 'READ_TIMEOUT',
            message: `TLS handshake not finished within ${options.timeoutMs} ms`,
            timeoutMs: options.timeoutMs,
          },
          serverBytesBeforeClose: raw.bytesRead - bytesBefore,
          stall: stallProgress(
            'tls-handshake',
            seen.head,
            {
              ...(seen.firstAt !== undefined ? { firstByteMs: seen.firstAt - started } : {}),
              ...(seen.lastAt !== undefined ? { lastByteMs: seen.lastAt - started } : {}),
            },
            seen.count,
          ),
          ms: ms(),
        }),
      options.timeoutMs,
    );
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher();
      const ephemeral = socket.getEphemeralKeyInfo() as { name?: string; type?: string } | null;
      const group = ephemeral && 'name' in ephemeral && ephemeral.name ? ephemeral.name : undefined;
      finish(
        {
          ...base,
          outcome: 'established',
          version: socket.getProtocol() ?? undefined,
          cipher: { name: cipher.name, standardName: cipher.standardName },
          ...(group ? { group } : {}),
          chainDer: peerChainDer(socket),
          ms: ms(),
        } as TlsObservation,
        socket,
      );
    });
    socket.once('error', (error) => {
      const alert = alertFromError(error, options.alertName);
      const serverBytes = raw.bytesRead - bytesBefore;
      finish({
        ...base,
        outcome: alert
          ? 'alert'
          : serverBytes === 0 || /disconnected|ECONNRESET|socket hang up/i.test(error.message)
            ? 'aborted'
            : 'error',
        ...(alert ? { alert } : {}),
        error: normaliseNetworkError(error),
        serverBytesBeforeClose: serverBytes,
        ms: ms(),
      });
    });
    socket.once('close', () =>
      finish({
        ...base,
        outcome: 'aborted',
        error: { code: 'CLOSED', message: 'the server closed the connection during the TLS handshake' },
        serverBytesBeforeClose: raw.bytesRead - bytesBefore,
        ms: ms(),
      }),
    );
  });
}
