import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type tls from 'node:tls';
import { SSPI_STATUS_CODES } from '../../data/credssp-errors.js';
import { LOGON_NTSTATUS_CODES } from '../../data/ntstatus.js';
import {
  clientPubKeyAuthPlain,
  CREDSSP_NONCE_SIZE,
  encodeTsPasswordCredentials,
  sameBytes,
  sealCredsspField,
  serverPubKeyAuthPlain,
  subjectPublicKeyFromCertificate,
  unsealCredsspField,
  usesHashBinding,
} from '../../wire/credssp-crypto.js';
import { DecodeError } from '../../wire/errors.js';
import {
  AvId,
  DEFAULT_NEGOTIATE_FLAGS,
  decodeNtlmChallenge,
  dateToFiletime,
  encodeNtlmAuthenticate,
  encodeNtlmNegotiate,
  findNtlmMessage,
  NTLM_MIC_OFFSET,
  NTLM_MIC_SIZE,
  NtlmFlag,
  utf16le,
} from '../../wire/ntlm.js';
import {
  clientAvPairs,
  computeMic,
  computeNtlmv2Response,
  encryptRandomSessionKey,
  keyExchangeKey,
  NTLM_CHALLENGE_SIZE,
  NTLM_KEY_SIZE,
  NtlmSealing,
  ntowfv2,
} from '../../wire/ntlm-crypto.js';
import { decodeTsRequest, encodeTsRequest, tsRequestFrameLength } from '../../wire/ts-request.js';
import { Conversation } from '../conversation.js';
import { type Credentials, wipeCredentials } from '../credentials.js';
import type { LogonFacts } from '../types.js';
import { CLIENT_CREDSSP_VERSION, CLIENT_NTLM_VERSION } from './credssp.js';

/**
 * The logon check's CredSSP exchange (MS-CSSP 3.1.5), client side, as a pure machine:
 *
 *   client                                   server
 *   TSRequest{NEGOTIATE}               ──>
 *                                      <──   TSRequest{CHALLENGE}
 *   TSRequest{AUTHENTICATE + MIC,
 *             pubKeyAuth, clientNonce} ──>   (the server checks the password here)
 *                                      <──   TSRequest{pubKeyAuth}  or  TSRequest{errorCode}
 *   TSRequest{authInfo: TSCredentials} ──>   (the server's own TLS key is proven: send the password)
 *
 * The password is read exactly twice: for NTOWFv2 (its MD4) and into the sealed TSCredentials,
 * which are sent only after the server's pubKeyAuth proved it holds the TLS key and the NTLM
 * session key. One attempt; the machine never restarts.
 */
export interface CredsspLogonOptions {
  readonly credentials: Credentials;
  /** The TLS server certificate's SubjectPublicKey (subjectPublicKeyFromCertificate). */
  readonly subjectPublicKey: Uint8Array;
  readonly random: (size: number) => Uint8Array;
  readonly now: () => Date;
  /** The service principal for MsvAvTargetName, e.g. "TERMSRV/host"; left out when not given. */
  readonly targetName?: string;
}

export type CredsspLogonStep = { readonly send?: Uint8Array; readonly done?: LogonFacts };

type State = 'idle' | 'negotiate-sent' | 'authenticate-sent' | 'finished';

/** The name of a TSRequest errorCode: an SSPI status (SEC_E_*) or a logon NTSTATUS. */
export function logonErrorName(code: number): string | undefined {
  return (
    SSPI_STATUS_CODES.find((entry) => entry.value === code)?.name ??
    LOGON_NTSTATUS_CODES.find((entry) => entry.value === code)?.name
  );
}

export class CredsspLogonClient {
  private state: State = 'idle';
  private negotiateMessage: Uint8Array | undefined;
  private sealing: NtlmSealing | undefined;
  private clientNonce: Uint8Array | undefined;
  private hashBinding = false;
  private lastFacts: LogonFacts;
  /** Key material derived from the password, wiped when the machine finishes. */
  private readonly secrets: Uint8Array[] = [];

  constructor(private readonly options: CredsspLogonOptions) {
    this.lastFacts = {
      user: options.credentials.user,
      step: 'negotiate',
      status: 'failed',
      fullLogon: false,
    };
  }

  /** The first TSRequest: NTLM NEGOTIATE. */
  start(): Uint8Array {
    if (this.state !== 'idle') throw new Error('CredsspLogonClient.start called twice');
    this.negotiateMessage = encodeNtlmNegotiate({
      flags: DEFAULT_NEGOTIATE_FLAGS,
      domain: '',
      workstation: '',
      version: CLIENT_NTLM_VERSION,
    });
    this.state = 'negotiate-sent';
    return encodeTsRequest({ version: CLIENT_CREDSSP_VERSION, negoTokens: [this.negotiateMessage] });
  }

  /** One TSRequest from the server. */
  receive(bytes: Uint8Array): CredsspLogonStep {
    try {
      if (this.state === 'negotiate-sent') return this.onChallenge(bytes);
      if (this.state === 'authenticate-sent') return this.onPubKeyAuth(bytes);
      throw new Error(`CredsspLogonClient.receive in state ${this.state}`);
    } catch (error) {
      if (error instanceof DecodeError) return { done: this.finish({ status: 'failed' }) };
      throw error;
    }
  }

  /**
   * The connection ended instead of an answer. A close right after AUTHENTICATE is how CredSSP
   * servers without errorCode (version 2, older Windows) refuse a logon.
   */
  ended(how: 'closed' | 'reset' | 'timeout' | 'malformed'): LogonFacts {
    if (this.state === 'finished') return this.lastFacts;
    const refused = this.state === 'authenticate-sent' && (how === 'closed' || how === 'reset');
    return this.finish({ status: refused ? 'refused' : 'failed' });
  }

  /** What is known so far. */
  facts(): LogonFacts {
    return this.lastFacts;
  }

  /** Clears every key derived from the password (called by finish; safe to call again). */
  wipe(): void {
    for (const secret of this.secrets) secret.fill(0);
    this.sealing?.wipe();
  }

  private keep(secret: Uint8Array): Uint8Array {
    this.secrets.push(secret);
    return secret;
  }

  private finish(update: Pick<LogonFacts, 'status'> & Partial<LogonFacts>): LogonFacts {
    this.state = 'finished';
    this.lastFacts = { ...this.lastFacts, ...update };
    this.wipe();
    return this.lastFacts;
  }

  private refusedBy(errorCode: number): LogonFacts {
    const errorName = logonErrorName(errorCode);
    return this.finish({ status: 'refused', errorCode, ...(errorName ? { errorName } : {}) });
  }

  private onChallenge(bytes: Uint8Array): CredsspLogonStep {
    const request = decodeTsRequest(bytes);
    this.lastFacts = { ...this.lastFacts, credsspVersion: request.version };
    const token = request.negoTokens?.[0];
    const challengeMessage = token ? findNtlmMessage(token) : undefined;
    if (!challengeMessage) {
      if (request.errorCode !== undefined && request.errorCode !== 0)
        return { done: this.refusedBy(request.errorCode) };
      return { done: this.finish({ status: 'failed' }) };
    }
    const challenge = decodeNtlmChallenge(challengeMessage);
    // Only NTLMv2 with extended session security is spoken: anything older is refused here.
    if (!(challenge.flags & NtlmFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY))
      return { done: this.finish({ status: 'failed' }) };

    const { credentials, random } = this.options;
    const flags =
      ((challenge.flags & (DEFAULT_NEGOTIATE_FLAGS | NtlmFlag.NEGOTIATE_TARGET_INFO)) |
        NtlmFlag.NEGOTIATE_VERSION) >>>
      0;
    const serverTimestamp = challenge.targetInfo.find((pair) => pair.id === AvId.MsvAvTimestamp);
    const timestamp =
      serverTimestamp && serverTimestamp.value.length === 8
        ? Buffer.from(serverTimestamp.value).readBigUInt64LE(0)
        : dateToFiletime(this.options.now());

    const responseKeyNT = this.keep(ntowfv2(credentials.password, credentials.userName, credentials.domain));
    const response = computeNtlmv2Response({
      responseKeyNT,
      serverChallenge: challenge.serverChallenge,
      clientChallenge: random(NTLM_CHALLENGE_SIZE),
      timestamp,
      avPairs: clientAvPairs(challenge.targetInfo, {
        withMic: true,
        ...(this.options.targetName !== undefined ? { targetName: this.options.targetName } : {}),
      }),
      omitLmResponse: serverTimestamp !== undefined,
    });
    const kxKey = this.keep(keyExchangeKey(this.keep(response.sessionBaseKey)));
    const keyExchange = (flags & NtlmFlag.NEGOTIATE_KEY_EXCH) !== 0;
    const exportedSessionKey = this.keep(keyExchange ? random(NTLM_KEY_SIZE).slice() : kxKey.slice());
    const authenticate = encodeNtlmAuthenticate({
      flags,
      lmChallengeResponse: response.lmChallengeResponse,
      ntChallengeResponse: response.ntChallengeResponse,
      domain: credentials.domain,
      userName: credentials.userName,
      workstation: '',
      encryptedRandomSessionKey: keyExchange
        ? encryptRandomSessionKey(kxKey, exportedSessionKey)
        : new Uint8Array(0),
      version: CLIENT_NTLM_VERSION,
      mic: new Uint8Array(NTLM_MIC_SIZE),
    });
    authenticate.set(
      computeMic(exportedSessionKey, this.negotiateMessage!, challengeMessage, authenticate),
      NTLM_MIC_OFFSET,
    );

    this.hashBinding = usesHashBinding(CLIENT_CREDSSP_VERSION, request.version);
    this.clientNonce = this.hashBinding ? random(CREDSSP_NONCE_SIZE).slice() : undefined;
    this.sealing = new NtlmSealing(exportedSessionKey, flags, 'client');
    const pubKeyAuth = sealCredsspField(
      this.sealing,
      clientPubKeyAuthPlain(this.hashBinding, this.options.subjectPublicKey, this.clientNonce),
    );
    this.state = 'authenticate-sent';
    this.lastFacts = { ...this.lastFacts, step: 'authenticate' };
    return {
      send: encodeTsRequest({
        version: CLIENT_CREDSSP_VERSION,
        negoTokens: [authenticate],
        pubKeyAuth,
        ...(this.clientNonce ? { clientNonce: this.clientNonce } : {}),
      }),
    };
  }

  private onPubKeyAuth(bytes: Uint8Array): CredsspLogonStep {
    const request = decodeTsRequest(bytes);
    if (request.errorCode !== undefined && request.errorCode !== 0)
      return { done: this.refusedBy(request.errorCode) };
    this.lastFacts = { ...this.lastFacts, step: 'public-key' };
    if (!request.pubKeyAuth) return { done: this.finish({ status: 'failed' }) };
    const answer = unsealCredsspField(this.sealing!, request.pubKeyAuth, 'pubKeyAuth');
    const expected = serverPubKeyAuthPlain(this.hashBinding, this.options.subjectPublicKey, this.clientNonce);
    // A server that cannot answer for the TLS key is not the one that checked the password:
    // the credentials are not sent (the CVE-2018-0886 / man-in-the-middle guard of MS-CSSP 3.1.5).
    if (!sameBytes(answer, expected)) return { done: this.finish({ status: 'failed' }) };

    const { credentials } = this.options;
    const domain = utf16le(credentials.domain);
    const userName = utf16le(credentials.userName);
    const plain = encodeTsPasswordCredentials({ domain, userName, password: credentials.password });
    let authInfo: Uint8Array;
    try {
      authInfo = sealCredsspField(this.sealing!, plain);
    } finally {
      plain.fill(0);
    }
    const send = encodeTsRequest({ version: CLIENT_CREDSSP_VERSION, authInfo });
    return { send, done: this.finish({ status: 'accepted', step: 'done' }) };
  }
}

export interface LogonWithCredsspOptions {
  /** For the whole exchange (every read shares one deadline). */
  readonly timeoutMs: number;
  /** The server's TLS certificate (DER), whose public key pubKeyAuth binds. */
  readonly serverCertificateDer: Uint8Array;
  readonly random?: (size: number) => Uint8Array;
  readonly now?: () => Date;
  readonly targetName?: string;
}

/**
 * Runs the logon check over an established TLS socket (after the X.224 confirm selected HYBRID
 * or HYBRID_EX). The credentials are wiped before this returns, whatever happens. On 'accepted'
 * the socket stays open and PAUSED for the MCS sequence (attach a reader, then `socket.resume()`;
 * for HYBRID_EX the Early User Authorization Result comes next); otherwise it is destroyed.
 */
export async function logonWithCredssp(
  socket: tls.TLSSocket,
  credentials: Credentials,
  options: LogonWithCredsspOptions,
): Promise<LogonFacts> {
  let machine: CredsspLogonClient | undefined;
  const conversation = new Conversation(socket as net.Socket);
  let facts: LogonFacts = { user: credentials.user, step: 'negotiate', status: 'failed', fullLogon: false };
  try {
    let subjectPublicKey: Uint8Array;
    try {
      subjectPublicKey = subjectPublicKeyFromCertificate(options.serverCertificateDer);
    } catch (error) {
      if (error instanceof DecodeError) return facts;
      throw error;
    }
    machine = new CredsspLogonClient({
      credentials,
      subjectPublicKey,
      random: options.random ?? ((size) => new Uint8Array(randomBytes(size))),
      now: options.now ?? (() => new Date()),
      ...(options.targetName !== undefined ? { targetName: options.targetName } : {}),
    });
    const deadline = performance.now() + options.timeoutMs;
    conversation.write(machine.start());
    for (;;) {
      const answer = await conversation.readFrame(
        tsRequestFrameLength,
        Math.max(0, deadline - performance.now()),
      );
      if (answer.kind !== 'pdu') {
        facts = machine.ended(answer.kind);
        break;
      }
      const step = machine.receive(answer.bytes);
      if (step.send) conversation.write(step.send);
      if (step.done) {
        facts = step.done;
        break;
      }
    }
    return facts;
  } finally {
    wipeCredentials(credentials);
    machine?.wipe();
    if (facts.status === 'accepted') conversation.detach();
    else conversation.close();
  }
}
