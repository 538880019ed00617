/**
 * Probe observations rebuilt from a real server's answers in a packet capture, through the same
 * pure interpreters the probe stages use: the X.224 Connection Confirm (negotiation), the TLS
 * Certificate (certificate facts) and the MCS Connect-Response (Standard RDP Security). Lets rules
 * be tested on what real Windows servers sent, not on hand-written guesses.
 */
import { readFileSync } from 'node:fs';
import { tcpStreams, readCapture } from '../../src/evidence/pcap.js';
import { certificateFacts } from '../../src/probe/stages/certificate.js';
import { interpretNegotiationAnswer, type NegotiationRequest } from '../../src/probe/stages/negotiation.js';
import { interpretConnectResponse } from '../../src/probe/stages/rdp-security.js';
import type { NegotiationProbe, ProbeObservations } from '../../src/probe/types.js';
import { readServerFlight } from '../../src/wire/tls-server-flight.js';
import { X509Certificate } from 'node:crypto';
import { ok, skipped } from './observations.js';

const TPKT_VERSION = 3;
const LABELS: Readonly<Record<number, NegotiationRequest['label']>> = {
  0: 'rdp',
  1: 'ssl',
  2: 'hybrid',
  3: 'modern',
  0x0a: 'hybrid-ex',
  0x0b: 'modern',
};

/** TPKT frames at the start of a byte stream (stops at the first byte that is not TPKT, e.g. TLS). */
function tpktFrames(bytes: Uint8Array): { frames: Uint8Array[]; rest: Uint8Array } {
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.length && bytes[offset] === TPKT_VERSION) {
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 4 || offset + length > bytes.length) break;
    frames.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return { frames, rest: bytes.subarray(offset) };
}

/** The requestedProtocols of an X.224 Connection Request's RDP_NEG_REQ (its last 8 bytes). */
function requestedProtocolsOf(request: Uint8Array): number {
  const neg = request.subarray(request.length - 8);
  return neg[0] === 0x01 ? neg[4]! | (neg[5]! << 8) | (neg[6]! << 16) | (neg[7]! << 24) : 0;
}

export function observationsFromCapture(path: string, expectedName: string): ProbeObservations {
  const capture = readCapture(readFileSync(path));
  const probes: NegotiationProbe[] = [];
  let chainDer: Uint8Array[] | undefined;
  let rdpSecurity: ProbeObservations['rdpSecurity'];
  for (const connection of tcpStreams(capture, 3389)) {
    const client = tpktFrames(connection.clientToServer.bytes).frames;
    const server = tpktFrames(connection.serverToClient.bytes);
    const [request, confirm] = [client[0], server.frames[0]];
    if (!request || !confirm) continue;
    const requestedProtocols = requestedProtocolsOf(request);
    const label = LABELS[requestedProtocols] ?? 'modern';
    const probe = interpretNegotiationAnswer(
      { label, requestedProtocols },
      { kind: 'pdu', bytes: confirm, ms: 1 },
    );
    if (!probes.some((known) => known.label === probe.label)) probes.push(probe);
    if (probe.outcome === 'selected' && probe.selectedProtocol === 0 && server.frames[1]) {
      const observation = interpretConnectResponse(
        { kind: 'pdu', bytes: server.frames[1], ms: 1 },
        X509Certificate,
      );
      rdpSecurity = ok('rdp-security', observation);
    }
    if (probe.outcome === 'selected' && probe.selectedProtocol !== 0 && !chainDer) {
      const flight = readServerFlight(server.rest);
      if (flight.certificates) chainDer = [...flight.certificates.certificates];
    }
  }
  return {
    target: { host: expectedName, port: 3389, expectedName },
    startedAt: new Date().toISOString(),
    negotiation: ok('negotiation', { probes }),
    ...(chainDer
      ? {
          certificate: ok('certificate', {
            chain: chainDer.map((der) => certificateFacts(der)),
            expectedName,
            expectedNameIsIp: false,
            checkedAt: new Date().toISOString(),
          }),
        }
      : {}),
    rdpSecurity: rdpSecurity ?? skipped('rdp-security', 'not in the capture'),
  };
}
