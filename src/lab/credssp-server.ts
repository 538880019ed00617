import { timingSafeEqual } from 'node:crypto';
import {
  clientPubKeyAuthPlain,
  decodeTsCredentials,
  sameBytes,
  sealCredsspField,
  serverPubKeyAuthPlain,
  TS_CREDENTIALS_PASSWORD,
  unsealCredsspField,
  usesHashBinding,
} from '../wire/credssp-crypto.js';
import { DecodeError } from '../wire/errors.js';
import {
  AvId,
  avString,
  avTimestamp,
  DEFAULT_NEGOTIATE_FLAGS,
  decodeNtlmAuthenticate,
  decodeNtlmNegotiate,
  describeTargetInfo,
  encodeNtlmChallenge,
  findNtlmMessage,
  NTLM_MIC_OFFSET,
  NTLM_MIC_SIZE,
  type NtlmAuthenticate,
  NtlmFlag,
  utf16le,
} from '../wire/ntlm.js';
import {
  computeMic,
  decodeNtlmv2ClientChallenge,
  decryptRandomSessionKey,
  keyExchangeKey,
  MSV_AV_FLAG_MIC_PRESENT,
  NTLM_CHALLENGE_SIZE,
  NTLMV2_PROOF_SIZE,
  NtlmSealing,
  ntowfv2,
  verifyNtlmv2Response,
} from '../wire/ntlm-crypto.js';
import { CREDSSP_MAX_VERSION, decodeTsRequest, encodeTsRequest } from '../wire/ts-request.js';

/**
 * The lab's CredSSP/NTLM server (MS-CSSP 3.1.5 server side, MS-NLMP 3.2.5), pure: TSRequest bytes
 * in, TSRequest bytes out. It checks NTLMv2 proofs and the MIC against configured accounts and
 * answers each logon outcome the way a Windows server does:
 *  - unknown user or wrong password: errorCode SEC_E_LOGON_DENIED;
 *  - right password, account state in the way: errorCode with the NTSTATUS of that state;
 *  - right password, account fine: its pubKeyAuth answer, then it takes the TSCredentials.
 * Lab passwords are test fixtures, not secrets; the password a client sends is compared and the
 * decrypted TSCredentials wiped, never reported.
 */
export type CredsspAccountOutcome =
  | 'ok'
  | 'locked-out'
  | 'disabled'
  | 'account-expired'
  | 'password-expired'
  | 'must-change'
  | 'logon-type-not-granted';

export interface CredsspAccount {
  readonly user: string;
  /** When set, the client's domain must match it (or the server's NetBIOS name, or be empty). */
  readonly domain?: string;
  readonly password: string;
  readonly outcome: CredsspAccountOutcome;
}

export const SEC_E_LOGON_DENIED = 0x8009030c;
export const SEC_E_INVALID_TOKEN = 0x80090308;

/** The NTSTATUS a Windows server's TSRequest.errorCode carries for each account state. */
export const ACCOUNT_OUTCOME_STATUS: Readonly<Record<Exclude<CredsspAccountOutcome, 'ok'>, number>> = {
  'locked-out': 0xc0000234, // STATUS_ACCOUNT_LOCKED_OUT
  disabled: 0xc0000072, // STATUS_ACCOUNT_DISABLED
  'account-expired': 0xc0000193, // STATUS_ACCOUNT_EXPIRED
  'password-expired': 0xc0000071, // STATUS_PASSWORD_EXPIRED
  'must-change': 0xc0000224, // STATUS_PASSWORD_MUST_CHANGE
  'logon-type-not-granted': 0xc000015b, // STATUS_LOGON_TYPE_NOT_GRANTED
};

export type CredsspServerOutcome = CredsspAccountOutcome | 'logon-denied' | 'protocol-error';

export interface CredsspServerDone {
  readonly outcome: CredsspServerOutcome;
  /** The user name and domain of the AUTHENTICATE (not secret). */
  readonly user?: string;
  readonly domain?: string;
  readonly errorCode?: number;
  /** For 'ok': whether the TSCredentials password equals the account's (the password itself is not kept). */
  readonly credentialsMatched?: boolean;
}

export interface CredsspServerOptions {
  readonly accounts: readonly CredsspAccount[];
  /** The SubjectPublicKey of the lab's TLS certificate. */
  readonly serverPublicKey: Uint8Array;
  readonly random: (size: number) => Uint8Array;
  readonly now: () => Date;
  readonly netbiosComputerName?: string;
  readonly netbiosDomainName?: string;
  readonly dnsComputerName?: string;
  readonly dnsDomainName?: string;
  /** The CredSSP version it announces (default 6). */
  readonly version?: number;
}

export interface CredsspServerStep {
  readonly reply?: Uint8Array;
  readonly done?: CredsspServerDone;
}

type State = 'negotiate' | 'authenticate' | 'credentials' | 'finished';

export class CredsspServer {
  private state: State = 'negotiate';
  private negotiateMessage: Uint8Array | undefined;
  private challengeMessage: Uint8Array | undefined;
  private serverChallenge: Uint8Array | undefined;
  private sealing: NtlmSealing | undefined;
  private account: CredsspAccount | undefined;
  private authenticate: NtlmAuthenticate | undefined;
  private authenticates = 0;
  private readonly version: number;
  private readonly names: Required<
    Pick<
      CredsspServerOptions,
      'netbiosComputerName' | 'netbiosDomainName' | 'dnsComputerName' | 'dnsDomainName'
    >
  >;

  constructor(private readonly options: CredsspServerOptions) {
    this.version = options.version ?? CREDSSP_MAX_VERSION;
    this.names = {
      netbiosComputerName: options.netbiosComputerName ?? 'LAB',
      netbiosDomainName: options.netbiosDomainName ?? 'LAB',
      dnsComputerName: options.dnsComputerName ?? 'lab.rdp-doctor.test',
      dnsDomainName: options.dnsDomainName ?? 'rdp-doctor.test',
    };
  }

  /** NTLM AUTHENTICATE messages received (a test proves a plain diagnosis sends none). */
  get authenticatesReceived(): number {
    return this.authenticates;
  }

  receive(bytes: Uint8Array): CredsspServerStep {
    try {
      switch (this.state) {
        case 'negotiate':
          return this.onNegotiate(bytes);
        case 'authenticate':
          return this.onAuthenticate(bytes);
        case 'credentials':
          return this.onCredentials(bytes);
        default:
          return { done: { outcome: 'protocol-error' } };
      }
    } catch (error) {
      if (error instanceof DecodeError) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
      throw error;
    }
  }

  private fail(outcome: CredsspServerOutcome, errorCode: number): CredsspServerStep {
    this.state = 'finished';
    this.sealing?.wipe();
    const who = this.authenticate
      ? { user: this.authenticate.userName, domain: this.authenticate.domain }
      : {};
    // CredSSP before version 3 has no errorCode field: such a server just closes.
    const reply = this.version >= 3 ? encodeTsRequest({ version: this.version, errorCode }) : undefined;
    return { ...(reply ? { reply } : {}), done: { outcome, errorCode, ...who } };
  }

  private onNegotiate(bytes: Uint8Array): CredsspServerStep {
    const request = decodeTsRequest(bytes);
    const token = request.negoTokens?.[0];
    const message = token ? findNtlmMessage(token) : undefined;
    if (!message) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    const negotiate = decodeNtlmNegotiate(message);
    this.negotiateMessage = message.slice();
    this.serverChallenge = this.options.random(NTLM_CHALLENGE_SIZE).slice();
    const flags =
      ((negotiate.flags & DEFAULT_NEGOTIATE_FLAGS) |
        NtlmFlag.NEGOTIATE_TARGET_INFO |
        NtlmFlag.TARGET_TYPE_SERVER |
        NtlmFlag.NEGOTIATE_VERSION) >>>
      0;
    this.challengeMessage = encodeNtlmChallenge({
      flags,
      targetName: this.names.netbiosDomainName,
      serverChallenge: this.serverChallenge,
      reserved: new Uint8Array(8),
      targetInfo: [
        avString(AvId.MsvAvNbDomainName, this.names.netbiosDomainName),
        avString(AvId.MsvAvNbComputerName, this.names.netbiosComputerName),
        avString(AvId.MsvAvDnsDomainName, this.names.dnsDomainName),
        avString(AvId.MsvAvDnsComputerName, this.names.dnsComputerName),
        avTimestamp(this.options.now()),
      ],
      version: { major: 10, minor: 0, build: 20348, revision: 15 },
    });
    this.state = 'authenticate';
    return { reply: encodeTsRequest({ version: this.version, negoTokens: [this.challengeMessage] }) };
  }

  private findAccount(message: NtlmAuthenticate): CredsspAccount | undefined {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    return this.options.accounts.find(
      (account) =>
        same(account.user, message.userName) &&
        (account.domain === undefined ||
          message.domain === '' ||
          same(account.domain, message.domain) ||
          same(this.names.netbiosComputerName, message.domain)),
    );
  }

  private onAuthenticate(bytes: Uint8Array): CredsspServerStep {
    const request = decodeTsRequest(bytes);
    const token = request.negoTokens?.[0];
    const message = token ? findNtlmMessage(token) : undefined;
    if (!message) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    this.authenticates++;
    const authenticate = decodeNtlmAuthenticate(message);
    this.authenticate = authenticate;

    const account = this.findAccount(authenticate);
    if (!account) return this.fail('logon-denied', SEC_E_LOGON_DENIED);
    const password = Buffer.from(utf16le(account.password));
    const responseKeyNT = ntowfv2(password, authenticate.userName, authenticate.domain);
    password.fill(0);
    const sessionBaseKey = verifyNtlmv2Response({
      responseKeyNT,
      serverChallenge: this.serverChallenge!,
      ntChallengeResponse: authenticate.ntChallengeResponse,
    });
    responseKeyNT.fill(0);
    if (!sessionBaseKey) return this.fail('logon-denied', SEC_E_LOGON_DENIED);

    const kxKey = keyExchangeKey(sessionBaseKey);
    const exportedSessionKey =
      authenticate.flags & NtlmFlag.NEGOTIATE_KEY_EXCH
        ? decryptRandomSessionKey(kxKey, authenticate.encryptedRandomSessionKey)
        : kxKey.slice();
    const clientBlob = decodeNtlmv2ClientChallenge(
      authenticate.ntChallengeResponse.subarray(NTLMV2_PROOF_SIZE),
    );
    const avFlagsValue = describeTargetInfo(clientBlob.avPairs).flags ?? 0;
    if (avFlagsValue & MSV_AV_FLAG_MIC_PRESENT) {
      if (!authenticate.mic) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
      const zeroed = message.slice();
      zeroed.fill(0, NTLM_MIC_OFFSET, NTLM_MIC_OFFSET + NTLM_MIC_SIZE);
      const mic = computeMic(exportedSessionKey, this.negotiateMessage!, this.challengeMessage!, zeroed);
      if (!timingSafeEqual(mic, authenticate.mic)) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    }
    this.account = account;
    if (account.outcome !== 'ok') return this.fail(account.outcome, ACCOUNT_OUTCOME_STATUS[account.outcome]);

    this.sealing = new NtlmSealing(exportedSessionKey, authenticate.flags, 'server');
    for (const key of [sessionBaseKey, kxKey, exportedSessionKey]) key.fill(0);
    if (!request.pubKeyAuth) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    const hashBinding = usesHashBinding(request.version, this.version);
    if (hashBinding && request.clientNonce?.length !== 32)
      return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    const received = unsealCredsspField(this.sealing, request.pubKeyAuth, 'pubKeyAuth');
    const expected = clientPubKeyAuthPlain(hashBinding, this.options.serverPublicKey, request.clientNonce);
    if (!sameBytes(received, expected)) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    const answer = serverPubKeyAuthPlain(hashBinding, this.options.serverPublicKey, request.clientNonce);
    this.state = 'credentials';
    return {
      reply: encodeTsRequest({ version: this.version, pubKeyAuth: sealCredsspField(this.sealing, answer) }),
    };
  }

  private onCredentials(bytes: Uint8Array): CredsspServerStep {
    const request = decodeTsRequest(bytes);
    if (!request.authInfo) return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
    const plain = unsealCredsspField(this.sealing!, request.authInfo, 'authInfo');
    try {
      const credentials = decodeTsCredentials(plain);
      if (credentials.credType !== TS_CREDENTIALS_PASSWORD || !('password' in credentials))
        return this.fail('protocol-error', SEC_E_INVALID_TOKEN);
      const expected = Buffer.from(utf16le(this.account!.password));
      const credentialsMatched = sameBytes(credentials.password.password, expected);
      expected.fill(0);
      this.state = 'finished';
      this.sealing!.wipe();
      return {
        done: {
          outcome: 'ok',
          user: Buffer.from(credentials.password.userName).toString('utf16le'),
          domain: Buffer.from(credentials.password.domain).toString('utf16le'),
          credentialsMatched,
        },
      };
    } finally {
      plain.fill(0);
    }
  }
}
