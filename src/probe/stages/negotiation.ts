import { DecodeError } from '../../wire/errors.js';
import { failureCodeName, flagNames, NegResponseFlag, Protocol, protocolNames } from '../../wire/rdp-neg.js';
import { decodeConnectionConfirm, encodeConnectionRequest } from '../../wire/x224.js';
import type { ReadResult } from '../conversation.js';
import { stallProgress } from '../stall.js';
import type { NegotiationOutcome, NegotiationProbe } from '../types.js';

/**
 * The request matrix (MS-RDPBCGR 2.2.1.1.1 requestedProtocols). `modern` is what current mstsc
 * and FreeRDP send by default; the others isolate what the server accepts on its own.
 */
export interface NegotiationRequest {
  readonly label: 'modern' | 'rdp' | 'ssl' | 'hybrid' | 'hybrid-ex';
  readonly requestedProtocols: number;
}

export const NEGOTIATION_REQUESTS: readonly NegotiationRequest[] = [
  { label: 'modern', requestedProtocols: Protocol.SSL | Protocol.HYBRID | Protocol.HYBRID_EX },
  { label: 'rdp', requestedProtocols: Protocol.RDP },
  { label: 'ssl', requestedProtocols: Protocol.SSL },
  { label: 'hybrid', requestedProtocols: Protocol.HYBRID },
  { label: 'hybrid-ex', requestedProtocols: Protocol.HYBRID | Protocol.HYBRID_EX },
];

/** The Connection Request for one row. No cookie: a cookie would leak a user name in cleartext. */
export function buildNegotiationRequest(request: NegotiationRequest): Uint8Array {
  return encodeConnectionRequest({
    routing: { kind: 'none' },
    negotiation: { type: 'request', flags: 0, requestedProtocols: request.requestedProtocols },
  });
}

const PREVIEW_BYTES = 64;

/** A guess at what answered, from the first bytes, for "this is not an RDP listener" evidence. */
export function guessService(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
  if (/^HTTP\/\d/.test(text)) return 'http';
  if (text.startsWith('SSH-')) return 'ssh';
  if (bytes[0] === 0x16 && bytes[1] === 0x03) return 'tls';
  if (bytes[0] === 0x15 && bytes[1] === 0x03) return 'tls-alert';
  if (/^220[ -]/.test(text)) return 'smtp-or-ftp';
  if (/^\+OK/.test(text)) return 'pop3';
  if (/^\* OK/.test(text)) return 'imap';
  if (text.startsWith('RFB ')) return 'vnc';
  return 'unknown';
}

function preview(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, PREVIEW_BYTES)).toString('hex');
}

function decodeErrorFacts(error: DecodeError) {
  return { structure: error.structure, kind: error.kind, field: error.field, offset: error.offset };
}

/** Pure: what one request's answer means as an observation (no judgement). */
export function interpretNegotiationAnswer(
  request: NegotiationRequest,
  answer: ReadResult,
): NegotiationProbe {
  const base = {
    label: request.label,
    requestedProtocols: request.requestedProtocols,
    requestedNames: protocolNames(request.requestedProtocols),
    ms: Math.round(answer.ms),
  };
  // Bytes followed by a close, reset or timeout are an answer that never completed: a truncated
  // (or endlessly slow) RDP answer is malformed, anything else is another service talking.
  const simple = (
    outcome: NegotiationOutcome & ('closed' | 'reset' | 'timeout'),
    received: Uint8Array,
  ): NegotiationProbe => {
    if (received.length === 0) return { ...base, outcome };
    const notTpkt = received[0] !== 0x03;
    return {
      ...base,
      outcome: notTpkt ? 'not-rdp' : 'malformed',
      endedBy: outcome,
      serviceGuess: guessService(received),
      answerPreview: preview(received),
      decodeError: {
        structure: notTpkt ? 'TPKT' : 'X224.ConnectionConfirm',
        kind: notTpkt ? 'unexpected-type' : 'not-enough-bytes',
        field: notTpkt ? 'version' : 'TPDU',
        offset: notTpkt ? 0 : received.length,
      },
    };
  };
  switch (answer.kind) {
    case 'closed':
      return simple('closed', answer.received);
    case 'reset':
      return simple('reset', answer.received);
    case 'timeout':
      return {
        ...simple('timeout', answer.received),
        stall: stallProgress('x224-confirm', answer.received, answer),
      };
    case 'malformed': {
      const notTpkt = answer.received[0] !== 0x03;
      return {
        ...base,
        outcome: notTpkt ? 'not-rdp' : 'malformed',
        serviceGuess: guessService(answer.received),
        answerPreview: preview(answer.received),
        decodeError: decodeErrorFacts(answer.error),
      };
    }
    case 'pdu': {
      try {
        const confirm = decodeConnectionConfirm(answer.bytes);
        const negotiation = confirm.negotiation;
        if (!negotiation)
          return {
            ...base,
            outcome: 'no-negotiation-data',
            selectedProtocol: Protocol.RDP,
            selectedName: 'RDP',
          };
        if (negotiation.type === 'failure') {
          return {
            ...base,
            outcome: 'failure',
            failureCode: negotiation.failureCode,
            failureName: failureCodeName(negotiation.failureCode),
          };
        }
        return {
          ...base,
          outcome: 'selected',
          selectedProtocol: negotiation.selectedProtocol,
          selectedName: protocolNames(negotiation.selectedProtocol).join('|'),
          responseFlags: negotiation.flags,
          responseFlagNames: flagNames(negotiation.flags, NegResponseFlag),
        };
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        return {
          ...base,
          outcome: 'malformed',
          answerPreview: preview(answer.bytes),
          serviceGuess: guessService(answer.bytes),
          decodeError: decodeErrorFacts(error),
        };
      }
    }
  }
}

/** Whether a selected protocol runs over TLS (everything but Standard RDP Security does). */
export function selectsTls(probe: NegotiationProbe): boolean {
  return (
    probe.outcome === 'selected' &&
    probe.selectedProtocol !== undefined &&
    probe.selectedProtocol !== Protocol.RDP
  );
}

export function selectsCredssp(probe: NegotiationProbe): boolean {
  return (
    probe.outcome === 'selected' &&
    probe.selectedProtocol !== undefined &&
    (probe.selectedProtocol & (Protocol.HYBRID | Protocol.HYBRID_EX)) !== 0
  );
}

export function negotiationSummary(probes: readonly NegotiationProbe[]): string {
  const modern = probes.find((probe) => probe.label === 'modern') ?? probes[0];
  if (!modern) return 'no negotiation attempted';
  switch (modern.outcome) {
    case 'selected':
      return `server selected ${modern.selectedName} (client offered ${modern.requestedNames.join('|')})`;
    case 'failure':
      return `server refused: ${modern.failureName}`;
    case 'no-negotiation-data':
      return 'server answered without negotiation data (Standard RDP Security only)';
    case 'not-rdp':
      return `not an RDP listener (answered like ${modern.serviceGuess})`;
    case 'malformed':
      return `malformed answer (${modern.decodeError?.structure}.${modern.decodeError?.field}: ${modern.decodeError?.kind})`;
    default:
      return `listener ${modern.outcome === 'timeout' ? 'never answered' : modern.outcome === 'closed' ? 'closed the connection' : 'reset the connection'} before negotiating`;
  }
}
