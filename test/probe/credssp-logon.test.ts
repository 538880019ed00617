import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import type net from 'node:net';
import { describe, test } from 'node:test';
import tls from 'node:tls';
import { inspect } from 'node:util';
import { labCertificate } from '../../src/lab/certificates.js';
import {
  ACCOUNT_OUTCOME_STATUS,
  type CredsspAccount,
  type CredsspAccountOutcome,
  CredsspServer,
  type CredsspServerDone,
  SEC_E_LOGON_DENIED,
} from '../../src/lab/credssp-server.js';
import { Conversation } from '../../src/probe/conversation.js';
import {
  type Credentials,
  parseUser,
  REDACTED,
  wipeCredentials,
  withPassword,
} from '../../src/probe/credentials.js';
import {
  CredsspLogonClient,
  logonErrorName,
  logonWithCredssp,
} from '../../src/probe/stages/credssp-logon.js';
import type { LogonFacts } from '../../src/probe/types.js';
import { subjectPublicKeyFromCertificate } from '../../src/wire/credssp-crypto.js';
import { decodeTsRequest, encodeTsRequest, tsRequestFrameLength } from '../../src/wire/ts-request.js';

const GOOD_PASSWORD = 'Correct-Horse-1';
const random = (size: number) => new Uint8Array(randomBytes(size));
const now = () => new Date('2026-01-02T03:04:05Z');
const serverPublicKey = new Uint8Array(randomBytes(270));

const OUTCOMES: readonly CredsspAccountOutcome[] = [
  'ok',
  'locked-out',
  'disabled',
  'account-expired',
  'password-expired',
  'must-change',
  'logon-type-not-granted',
];
/** One account per outcome, named after it, all with the same password; 'ok' is also in domain LABDOM. */
const ACCOUNTS: readonly CredsspAccount[] = [
  ...OUTCOMES.map((outcome) => ({
    user: outcome === 'ok' ? 'good' : outcome,
    password: GOOD_PASSWORD,
    outcome,
  })),
  { user: 'member', domain: 'LABDOM', password: GOOD_PASSWORD, outcome: 'ok' },
];

function credentials(user: string, password: string): Credentials {
  return withPassword(parseUser(user), Buffer.from(password, 'utf16le'));
}

interface Exchange {
  readonly client: LogonFacts;
  readonly server?: CredsspServerDone;
  /** Everything the client sent, for leak checks. */
  readonly sent: Uint8Array[];
}

/** Runs the client machine against the lab's server machine in memory. */
function exchange(
  user: string,
  password: string,
  server = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey, random, now }),
  tamper?: (reply: Uint8Array, round: number) => Uint8Array,
): Exchange {
  const client = new CredsspLogonClient({
    credentials: credentials(user, password),
    subjectPublicKey: serverPublicKey,
    random,
    now,
  });
  const sent: Uint8Array[] = [client.start()];
  for (let round = 0; round < 4; round++) {
    const step = server.receive(sent.at(-1)!);
    if (!step.reply)
      return { client: client.ended('closed'), ...(step.done ? { server: step.done } : {}), sent };
    const answer = client.receive(tamper ? tamper(step.reply, round) : step.reply);
    if (answer.send) sent.push(answer.send);
    if (answer.done) {
      const last = answer.send ? server.receive(answer.send).done : step.done;
      return { client: answer.done, ...(last ? { server: last } : {}), sent };
    }
  }
  throw new Error('the exchange did not end');
}

describe('parseUser', () => {
  for (const [text, userName, domain] of [
    ['alice', 'alice', ''],
    ['LAB\\alice', 'alice', 'LAB'],
    ['alice@lab.example', 'alice@lab.example', ''],
    ['  LAB\\alice ', 'alice', 'LAB'],
  ] as const) {
    test(JSON.stringify(text), () => {
      assert.deepEqual(parseUser(text), { user: text.trim(), userName, domain });
    });
  }
});

describe('Credentials never show the password', () => {
  const creds = credentials('LAB\\alice', 'S3cret-pw!');
  const secretHex = Buffer.from('S3cret-pw!', 'utf16le').toString('hex');
  const leaks = (text: string) =>
    text.includes('S3cret') || text.includes(secretHex) || text.includes('53 00 33');
  test('JSON, inspect, String and template strings say [redacted]', () => {
    for (const rendered of [
      JSON.stringify(creds),
      JSON.stringify({ nested: { creds } }),
      JSON.stringify(creds.password),
      inspect(creds, { depth: 5, showHidden: true }),
      inspect(creds.password),
      inspect({ deep: [creds] }, { depth: 10 }),
      String(creds.password),
      `${creds.password}`,
      creds.password.toString('utf16le'),
    ]) {
      assert.ok(!leaks(rendered), rendered);
    }
    assert.ok(JSON.stringify(creds).includes(REDACTED));
    assert.equal(String(creds.password), REDACTED);
  });
  test('spreading or listing the object does not copy the password out', () => {
    assert.deepEqual(Object.keys(creds), ['user', 'userName', 'domain']);
    assert.equal('password' in { ...creds }, false);
  });
  test('wipeCredentials zero-fills the buffer (twice is harmless)', () => {
    const wiped = credentials('bob', 'abc');
    wipeCredentials(wiped);
    wipeCredentials(wiped);
    assert.ok(wiped.password.every((byte) => byte === 0));
    assert.equal(wiped.password.length, 6);
  });
});

describe('CredSSP logon: client machine against the lab server machine', () => {
  test('right password: accepted, the server received the credentials', () => {
    const result = exchange('good', GOOD_PASSWORD);
    assert.deepEqual(result.client, {
      user: 'good',
      step: 'done',
      status: 'accepted',
      fullLogon: false,
      credsspVersion: 6,
    });
    assert.deepEqual(result.server, { outcome: 'ok', user: 'good', domain: '', credentialsMatched: true });
  });

  test('DOMAIN\\user: the domain goes in AUTHENTICATE and TSCredentials', () => {
    const result = exchange('LABDOM\\member', GOOD_PASSWORD);
    assert.equal(result.client.status, 'accepted');
    assert.deepEqual(result.server, {
      outcome: 'ok',
      user: 'member',
      domain: 'LABDOM',
      credentialsMatched: true,
    });
  });

  for (const [name, user, password] of [
    ['wrong password', 'good', 'wrong-horse'],
    ['unknown user', 'nobody', GOOD_PASSWORD],
    ['wrong domain', 'OTHER\\member', GOOD_PASSWORD],
  ] as const) {
    test(`${name}: refused with SEC_E_LOGON_DENIED, no credentials sent`, () => {
      const result = exchange(user, password);
      assert.deepEqual(result.client, {
        user,
        step: 'authenticate',
        status: 'refused',
        fullLogon: false,
        credsspVersion: 6,
        errorCode: SEC_E_LOGON_DENIED,
        errorName: 'SEC_E_LOGON_DENIED',
      });
      assert.equal(result.server?.outcome, 'logon-denied');
      assert.equal(result.sent.length, 2, 'NEGOTIATE and AUTHENTICATE only');
    });
  }

  for (const outcome of OUTCOMES.filter((o) => o !== 'ok')) {
    test(`${outcome}: refused with its NTSTATUS after the password was verified`, () => {
      const result = exchange(outcome, GOOD_PASSWORD);
      const errorCode = ACCOUNT_OUTCOME_STATUS[outcome as Exclude<CredsspAccountOutcome, 'ok'>];
      assert.equal(result.client.status, 'refused');
      assert.equal(result.client.errorCode, errorCode);
      assert.equal(result.client.errorName, logonErrorName(errorCode));
      assert.ok(result.client.errorName?.startsWith('STATUS_'), result.client.errorName);
      assert.equal(result.server?.outcome, outcome);
      assert.equal(result.sent.length, 2);
    });
    test(`${outcome} with a wrong password: SEC_E_LOGON_DENIED (the state is not revealed)`, () => {
      assert.equal(exchange(outcome, 'nope').client.errorCode, SEC_E_LOGON_DENIED);
    });
  }

  for (const version of [3, 4, 5, 6]) {
    test(`CredSSP version ${version} server: the matching public-key binding is accepted`, () => {
      const server = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey, random, now, version });
      const result = exchange('good', GOOD_PASSWORD, server);
      assert.equal(result.client.status, 'accepted');
      assert.equal(result.client.credsspVersion, version);
      const authenticate = decodeTsRequest(result.sent[1]!);
      assert.equal(authenticate.clientNonce !== undefined, version >= 5, 'a nonce only for 5 and later');
    });
  }

  test('CredSSP version 2 server refuses by closing: refused with no code', () => {
    const server = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey, random, now, version: 2 });
    const result = exchange('good', 'wrong', server);
    assert.deepEqual(result.client, {
      user: 'good',
      step: 'authenticate',
      status: 'refused',
      fullLogon: false,
      credsspVersion: 2,
    });
  });

  test('a pubKeyAuth answer that does not verify: failed, credentials never sent', () => {
    const result = exchange('good', GOOD_PASSWORD, undefined, (reply, round) => {
      if (round !== 1) return reply;
      const request = decodeTsRequest(reply);
      const forged = Uint8Array.from(request.pubKeyAuth!);
      forged[forged.length - 1]! ^= 0x01;
      return encodeTsRequest({ ...request, pubKeyAuth: forged });
    });
    assert.deepEqual(result.client, {
      user: 'good',
      step: 'public-key',
      status: 'failed',
      fullLogon: false,
      credsspVersion: 6,
    });
    assert.equal(result.sent.length, 2, 'no authInfo');
  });

  test('a server holding another TLS key (a man in the middle) refuses the binding; no credentials sent', () => {
    const otherKey = new Uint8Array(randomBytes(270));
    const impostor = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey: otherKey, random, now });
    const result = exchange('good', GOOD_PASSWORD, impostor);
    assert.equal(result.client.status, 'refused');
    assert.equal(result.client.errorName, 'SEC_E_INVALID_TOKEN');
    assert.equal(result.server?.outcome, 'protocol-error');
    assert.equal(result.sent.length, 2, 'no authInfo');
  });

  test('the lab refuses a tampered MIC', () => {
    const server = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey, random, now });
    const client = new CredsspLogonClient({
      credentials: credentials('good', GOOD_PASSWORD),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    const challenge = server.receive(client.start()).reply!;
    const authenticate = decodeTsRequest(client.receive(challenge).send!);
    const token = Uint8Array.from(authenticate.negoTokens![0]!);
    token[72]! ^= 0xff; // first MIC byte
    const step = server.receive(encodeTsRequest({ ...authenticate, negoTokens: [token] }));
    assert.equal(step.done?.outcome, 'protocol-error');
    assert.equal(server.authenticatesReceived, 1);
  });

  test('the connection closing after NEGOTIATE is a failure; after AUTHENTICATE a refusal', () => {
    const first = new CredsspLogonClient({
      credentials: credentials('good', 'x'),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    first.start();
    assert.deepEqual(first.ended('closed'), {
      user: 'good',
      step: 'negotiate',
      status: 'failed',
      fullLogon: false,
    });
    const server = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey, random, now });
    const second = new CredsspLogonClient({
      credentials: credentials('good', 'x'),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    second.receive(server.receive(second.start()).reply!);
    assert.equal(second.ended('reset').status, 'refused');
    assert.equal(second.ended('timeout').status, 'refused', 'a finished machine keeps its answer');
  });

  test('a server answering garbage: failed, not a crash', () => {
    const client = new CredsspLogonClient({
      credentials: credentials('good', 'x'),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    client.start();
    assert.equal(client.receive(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x06)).done?.status, 'failed');
  });

  test('a server errorCode instead of a CHALLENGE: refused at the negotiate step', () => {
    const client = new CredsspLogonClient({
      credentials: credentials('good', 'x'),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    client.start();
    const done = client.receive(encodeTsRequest({ version: 6, errorCode: 0xc000006d })).done;
    assert.deepEqual(done, {
      user: 'good',
      step: 'negotiate',
      status: 'refused',
      fullLogon: false,
      credsspVersion: 6,
      errorCode: 0xc000006d,
      errorName: 'STATUS_LOGON_FAILURE',
    });
  });

  test('the password never crosses in clear, and never shows in facts or the machine', () => {
    const password = 'Uniq-Pass-Word-77';
    const result = exchange('good', password);
    const wire = Buffer.concat(result.sent);
    assert.equal(wire.indexOf(Buffer.from(password, 'utf16le')), -1);
    assert.equal(wire.indexOf(Buffer.from(password, 'utf8')), -1);
    const client = new CredsspLogonClient({
      credentials: credentials('good', password),
      subjectPublicKey: serverPublicKey,
      random,
      now,
    });
    for (const rendered of [
      JSON.stringify(result),
      inspect(result, { depth: 10 }),
      inspect(client, { depth: 10, showHidden: true }),
    ]) {
      assert.ok(!rendered.includes(password), rendered);
      assert.ok(!rendered.includes(Buffer.from(password, 'utf16le').toString('hex')));
    }
  });
});

describe('logonWithCredssp over TLS on loopback against the lab server', () => {
  async function withLabTls<T>(run: (socket: tls.TLSSocket, certificateDer: Uint8Array) => Promise<T>) {
    const certificate = await labCertificate('good', ['127.0.0.1']);
    const certificateDer = new Uint8Array(new X509Certificate(certificate.certificatePem).raw);
    const publicKey = subjectPublicKeyFromCertificate(certificateDer);
    const serverDone: CredsspServerDone[] = [];
    const server = tls.createServer(
      { cert: certificate.certificatePem, key: certificate.privateKeyPem },
      (socket) => {
        void (async () => {
          const machine = new CredsspServer({ accounts: ACCOUNTS, serverPublicKey: publicKey, random, now });
          const conversation = new Conversation(socket as unknown as net.Socket);
          for (;;) {
            const frame = await conversation.readFrame(tsRequestFrameLength, 5000);
            if (frame.kind !== 'pdu') return conversation.close();
            const step = machine.receive(frame.bytes);
            if (step.reply) conversation.write(step.reply);
            if (step.done) {
              serverDone.push(step.done);
              if (step.done.outcome !== 'ok') conversation.close();
              return;
            }
          }
        })();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () =>
        resolve(client),
      );
      client.once('error', reject);
    });
    try {
      return { result: await run(socket, certificateDer), serverDone };
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  /** One logon check over lab TLS: its facts, whether the socket was left open, and the password after. */
  async function logOn(user: string, password: string) {
    const creds = credentials(user, password);
    const { result, serverDone } = await withLabTls(async (socket, certificateDer) => {
      const facts = await logonWithCredssp(socket, creds, {
        timeoutMs: 5000,
        serverCertificateDer: certificateDer,
      });
      return { facts, destroyed: socket.destroyed };
    });
    return { ...result, serverDone, wiped: creds.password.every((byte) => byte === 0) };
  }

  test('right password: accepted, credentials wiped, socket left open for the MCS sequence', async () => {
    const result = await logOn('good', GOOD_PASSWORD);
    assert.equal(result.facts.status, 'accepted');
    assert.equal(result.destroyed, false);
    assert.ok(result.wiped);
    assert.equal(result.serverDone[0]?.credentialsMatched, true);
  });

  test('wrong password: refused SEC_E_LOGON_DENIED, credentials wiped, socket closed', async () => {
    const result = await logOn('good', 'wrong');
    assert.equal(result.facts.errorName, 'SEC_E_LOGON_DENIED');
    assert.equal(result.destroyed, true);
    assert.ok(result.wiped);
  });

  test('an unreadable server certificate: failed before anything is sent, credentials wiped', async () => {
    const creds = credentials('good', GOOD_PASSWORD);
    const { result, serverDone } = await withLabTls((socket) =>
      logonWithCredssp(socket, creds, { timeoutMs: 2000, serverCertificateDer: Uint8Array.of(1, 2, 3) }),
    );
    assert.deepEqual(result, { user: 'good', step: 'negotiate', status: 'failed', fullLogon: false });
    assert.ok(creds.password.every((byte) => byte === 0));
    assert.equal(serverDone.length, 0);
  });
});
