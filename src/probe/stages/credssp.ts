import type net from 'node:net';
import type tls from 'node:tls';
import { DecodeError } from '../../wire/errors.js';
import {
  DEFAULT_NEGOTIATE_FLAGS,
  decodeNtlmChallenge,
  describeTargetInfo,
  encodeNtlmNegotiate,
  findNtlmMessage,
  NTLMSSP_REVISION_W2K3,
  NtlmFlag,
} from '../../wire/ntlm.js';
import { flagNames } from '../../wire/rdp-neg.js';
import { decodeTsRequest, encodeTsRequest, tsRequestFrameLength } from '../../wire/ts-request.js';
import { Conversation, type ReadResult } from '../conversation.js';
import { reasonForExchangeEnd } from '../net-errors.js';
import { stallProgress } from '../stall.js';
import type { Attempt, CredsspObservation, NegotiationProbe, NtlmChallengeFacts } from '../types.js';

/** The CredSSP version we announce: the current one (MS-CSSP 6, with the CVE-2018-0886 nonce). */
export const CLIENT_CREDSSP_VERSION = 6;
/** Windows 10 2004's NTLM VERSION (MS-NLMP 2.2.2.10), revision NTLMSSP_REVISION_W2K3. */
export const CLIENT_NTLM_VERSION = {
  major: 10,
  minor: 0,
  build: 19041,
  revision: NTLMSSP_REVISION_W2K3,
} as const;

/**
 * The first CredSSP leg only: a TSRequest carrying an NTLM NEGOTIATE. The server's CHALLENGE
 * names the machine, its Windows build and its clock. We then hang up: no AUTHENTICATE is ever
 * sent, so no logon is attempted and no account can be locked out.
 */
export function buildCredsspNegotiate(): Uint8Array {
  // Real clients send a VERSION; FreeRDP servers answer a NEGOTIATE without one with an error.
  const negotiate = encodeNtlmNegotiate({
    flags: DEFAULT_NEGOTIATE_FLAGS,
    domain: '',
    workstation: '',
    version: CLIENT_NTLM_VERSION,
  });
  return encodeTsRequest({ version: CLIENT_CREDSSP_VERSION, negoTokens: [negotiate] });
}

/** Pure: the server's answer to our NEGOTIATE as an observation. */
export function interpretCredsspAnswer(
  answer: ReadResult,
  receivedAt: Date,
): Omit<CredsspObservation, 'underProtocol'> {
  const base = { clientVersion: CLIENT_CREDSSP_VERSION, ms: Math.round(answer.ms) };
  if (answer.kind === 'closed') return { ...base, outcome: 'closed' };
  if (answer.kind === 'reset') return { ...base, outcome: 'reset' };
  if (answer.kind === 'timeout')
    return { ...base, outcome: 'timeout', stall: stallProgress('ts-request', answer.received, answer) };
  if (answer.kind === 'malformed') return { ...base, outcome: 'malformed' };
  try {
    const request = decodeTsRequest(answer.bytes);
    // FreeRDP servers send an errorCode beside the CHALLENGE, so the token decides the outcome.
    const withVersion = {
      ...base,
      serverVersion: request.version,
      ...(request.errorCode !== undefined && request.errorCode !== 0 ? { errorCode: request.errorCode } : {}),
    };
    const token = request.negoTokens?.[0];
    const message = token ? findNtlmMessage(token) : undefined;
    if (!message)
      return { ...withVersion, outcome: withVersion.errorCode !== undefined ? 'error-code' : 'malformed' };
    const challenge = decodeNtlmChallenge(message);
    const info = describeTargetInfo(challenge.targetInfo);
    const ntlm: NtlmChallengeFacts = {
      ...(challenge.targetName ? { targetName: challenge.targetName } : {}),
      ...(info.nbComputerName ? { netbiosComputerName: info.nbComputerName } : {}),
      ...(info.nbDomainName ? { netbiosDomainName: info.nbDomainName } : {}),
      ...(info.dnsComputerName ? { dnsComputerName: info.dnsComputerName } : {}),
      ...(info.dnsDomainName ? { dnsDomainName: info.dnsDomainName } : {}),
      ...(info.dnsTreeName ? { dnsTreeName: info.dnsTreeName } : {}),
      negotiateFlags: challenge.flags,
      negotiateFlagNames: flagNames(challenge.flags, NtlmFlag),
      ...(challenge.version
        ? { productVersion: { ...challenge.version, revision: challenge.version.revision } }
        : {}),
      ...(info.timestamp && !Number.isNaN(info.timestamp.getTime())
        ? { serverTime: info.timestamp.toISOString() }
        : {}),
      localTimeAtReceipt: receivedAt.toISOString(),
    };
    return { ...withVersion, outcome: 'challenge-received', ntlm };
  } catch (error) {
    if (error instanceof DecodeError) return { ...base, outcome: 'malformed' };
    throw error;
  }
}

export async function credsspStage(
  socket: tls.TLSSocket,
  probe: NegotiationProbe,
  timeoutMs: number,
  now: () => Date,
): Promise<Attempt<CredsspObservation>> {
  const conversation = new Conversation(socket as net.Socket);
  conversation.write(buildCredsspNegotiate());
  const answer = await conversation.readFrame(tsRequestFrameLength, timeoutMs);
  const observation: CredsspObservation = {
    underProtocol: probe.selectedName ?? 'HYBRID',
    ...interpretCredsspAnswer(answer, now()),
  };
  conversation.close();
  const ok = observation.outcome === 'challenge-received' || observation.outcome === 'error-code';
  return {
    stage: 'credssp',
    status: ok ? 'ok' : 'failed',
    ...(ok ? {} : { reason: reasonForExchangeEnd(observation.outcome) }),
    observation,
    ms: observation.ms,
    summary: credsspSummary(observation),
  };
}

function credsspSummary(observation: CredsspObservation): string {
  switch (observation.outcome) {
    case 'challenge-received': {
      const ntlm = observation.ntlm!;
      const name = ntlm.dnsComputerName ?? ntlm.netbiosComputerName ?? ntlm.targetName ?? 'unnamed';
      const version = ntlm.productVersion
        ? `, Windows ${ntlm.productVersion.major}.${ntlm.productVersion.minor} build ${ntlm.productVersion.build}`
        : '';
      return `CredSSP v${observation.serverVersion}, NTLM challenge from ${name}${version}`;
    }
    case 'error-code':
      return `CredSSP v${observation.serverVersion} answered with error 0x${observation.errorCode!.toString(16).padStart(8, '0')}`;
    case 'malformed':
      return 'the CredSSP answer did not decode';
    default:
      return `the server ${observation.outcome === 'timeout' ? 'did not answer' : observation.outcome === 'reset' ? 'reset the connection' : 'closed the connection'} after our NTLM NEGOTIATE`;
  }
}
