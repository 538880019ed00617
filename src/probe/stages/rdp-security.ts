import type { X509Certificate } from 'node:crypto';
import { DecodeError } from '../../wire/errors.js';
import {
  type ClientData,
  EncryptionMethod,
  encryptionLevelName,
  encryptionMethodName,
  rdpVersionName,
} from '../../wire/gcc.js';
import {
  decodeServerConnectResponse,
  encodeClientConnectInitial,
  McsResult,
  mcsResultName,
} from '../../wire/mcs.js';
import { Protocol } from '../../wire/rdp-neg.js';
import { tpktFrameLength } from '../../wire/tpkt.js';
import type { Conversation, ReadResult } from '../conversation.js';
import { reasonForExchangeEnd } from '../net-errors.js';
import { stallProgress } from '../stall.js';
import type { Attempt, NegotiationProbe, RdpSecurityObservation } from '../types.js';

/** Every method a client can offer, so the server's choice shows what it insists on. */
export const OFFERED_ENCRYPTION_METHODS =
  EncryptionMethod['40BIT'] | EncryptionMethod['128BIT'] | EncryptionMethod['56BIT'] | EncryptionMethod.FIPS;

/** RNS_UD_CS_SUPPORT_ERRINFO_PDU: lets the server explain a refusal with a Set Error Info PDU. */
const SUPPORT_ERRINFO_PDU = 0x0001;

/** The desktop every connection asks for: small, and what mstsc's defaults accept. */
export const CLIENT_DESKTOP = { width: 1024, height: 768 } as const;

/**
 * A minimal, honest client core block: RDP 5+ version, a small desktop, 16-bit colour, the
 * Set Error Info PDU supported (so a refusal comes with its reason). The server's Connect-Response
 * to it names its version, encryption and key; the session stage sends the same block.
 */
export function clientCoreData(selectedProtocol: number, clientName = 'rdp-doctor'): ClientData['core'] {
  return {
    version: 0x00080004,
    desktopWidth: CLIENT_DESKTOP.width,
    desktopHeight: CLIENT_DESKTOP.height,
    colorDepth: 0xca01,
    sasSequence: 0xaa03,
    keyboardLayout: 0x0409,
    clientBuild: 19041,
    // The core block holds 15 UTF-16 characters and a terminator.
    clientName: clientName.slice(0, 15),
    keyboardType: 4,
    keyboardSubType: 0,
    keyboardFunctionKey: 12,
    imeFileName: '',
    postBeta2ColorDepth: 0xca01,
    clientProductId: 1,
    serialNumber: 0,
    highColorDepth: 16,
    supportedColorDepths: 0x0007,
    earlyCapabilityFlags: SUPPORT_ERRINFO_PDU,
    clientDigProductId: '',
    connectionType: 0,
    pad1octet: 0,
    serverSelectedProtocol: selectedProtocol,
  };
}

/** The Connect Initial of the rdp-security stage: core and security blocks, no channels. */
export function buildConnectInitial(selectedProtocol: number): Uint8Array {
  return encodeClientConnectInitial({
    core: clientCoreData(selectedProtocol),
    security: { encryptionMethods: OFFERED_ENCRYPTION_METHODS, extEncryptionMethods: 0 },
    channels: [],
    other: [],
  });
}

/**
 * Pure: the Connect-Response (or its absence) as an observation. An X.509 server certificate's
 * key size is read with `x509` (Node's parser, passed in so node:crypto loads only when needed).
 */
export function interpretConnectResponse(
  answer: ReadResult,
  x509?: typeof X509Certificate,
): RdpSecurityObservation {
  const base = { clientEncryptionMethods: OFFERED_ENCRYPTION_METHODS, ms: Math.round(answer.ms) };
  if (answer.kind === 'closed') return { ...base, outcome: 'closed' };
  if (answer.kind === 'reset') return { ...base, outcome: 'reset' };
  if (answer.kind === 'timeout')
    return {
      ...base,
      outcome: 'timeout',
      stall: stallProgress('mcs-connect-response', answer.received, answer),
    };
  if (answer.kind === 'malformed') return { ...base, outcome: 'malformed' };
  try {
    const response = decodeServerConnectResponse(answer.bytes);
    const server = response.conference?.serverData;
    if (response.mcs.result !== McsResult['rt-successful'] || !server) {
      return {
        ...base,
        outcome: 'malformed',
        mcsResult: mcsResultName(response.mcs.result),
      } as RdpSecurityObservation;
    }
    const security = server.security;
    let serverCertificate: RdpSecurityObservation['serverCertificate'];
    const certificate = security?.certificate;
    if (certificate?.kind === 'proprietary') {
      serverCertificate = {
        type: 'proprietary',
        rsaKeyBits: certificate.publicKey.bitlen,
        // The top bit of the version marks a temporary (not permanent) certificate.
        permanent: (certificate.version & 0x80000000) === 0,
      };
    } else if (certificate?.kind === 'x509') {
      const leaf = certificate.certificates[certificate.certificates.length - 1];
      let rsaKeyBits: number | undefined;
      try {
        // Only the key size is needed here: Node's parser gives it without loading the ASN.1 library.
        rsaKeyBits = leaf && x509 ? new x509(leaf).publicKey.asymmetricKeyDetails?.modulusLength : undefined;
      } catch {
        rsaKeyBits = undefined;
      }
      serverCertificate = {
        type: 'x509',
        chainLength: certificate.certificates.length,
        permanent: (certificate.version & 0x80000000) === 0,
        ...(rsaKeyBits !== undefined ? { rsaKeyBits } : {}),
      };
    }
    return {
      ...base,
      outcome: 'connect-response',
      serverVersion: server.core.version,
      serverVersionName: rdpVersionName(server.core.version),
      ...(server.core.clientRequestedProtocols !== undefined
        ? { clientRequestedProtocols: server.core.clientRequestedProtocols }
        : {}),
      ...(server.core.earlyCapabilityFlags !== undefined
        ? { serverEarlyCapabilityFlags: server.core.earlyCapabilityFlags }
        : {}),
      mcsMaxChannelIds: response.mcs.domainParameters.maxChannelIds,
      ...(security
        ? {
            encryptionMethod: security.encryptionMethod,
            encryptionMethodName: encryptionMethodName(security.encryptionMethod),
            encryptionLevel: security.encryptionLevel,
            encryptionLevelName: encryptionLevelName(security.encryptionLevel),
          }
        : {}),
      ...(serverCertificate ? { serverCertificate } : {}),
    };
  } catch (error) {
    if (error instanceof DecodeError) return { ...base, outcome: 'malformed' };
    throw error;
  }
}

/** "RDP 5.0, 5.1, ..., 8.1" (one version code names many releases) as "RDP 5.0 to 8.1"; the JSON keeps the list. */
function versionRange(name: string | undefined): string {
  const releases = (name ?? 'unknown version').split(', ');
  return releases.length > 2
    ? `${releases[0]} to ${releases.at(-1)!.replace(/^RDP /, '')}`
    : releases.join(', ');
}

export async function rdpSecurityStage(
  conversation: Conversation,
  probe: NegotiationProbe,
  timeoutMs: number,
): Promise<Attempt<RdpSecurityObservation>> {
  conversation.write(buildConnectInitial(probe.selectedProtocol ?? Protocol.RDP));
  const answer = await conversation.readFrame(tpktFrameLength, timeoutMs);
  // Loaded here, not at start-up: node:crypto costs ~2.5 ms before the first connection.
  const { X509Certificate } = await import('node:crypto');
  const observation = interpretConnectResponse(answer, X509Certificate);
  const ok = observation.outcome === 'connect-response';
  return {
    stage: 'rdp-security',
    status: ok ? 'ok' : 'failed',
    ...(ok ? {} : { reason: reasonForExchangeEnd(observation.outcome) }),
    observation,
    ms: observation.ms,
    summary: ok
      ? `${versionRange(observation.serverVersionName)}, ${observation.encryptionMethodName ?? 'no'} encryption, level ${observation.encryptionLevelName ?? 'none'}${observation.serverCertificate?.rsaKeyBits ? `, ${observation.serverCertificate.rsaKeyBits}-bit RSA` : ''}`
      : `no usable MCS Connect-Response (${observation.outcome})`,
  };
}
