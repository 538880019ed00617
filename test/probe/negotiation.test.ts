import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadResult } from '../../src/probe/conversation.js';
import {
  buildNegotiationRequest,
  guessService,
  interpretNegotiationAnswer,
  NEGOTIATION_REQUESTS,
  selectsCredssp,
  selectsTls,
} from '../../src/probe/stages/negotiation.js';
import { DecodeError } from '../../src/wire/errors.js';
import { hex } from '../helpers/bytes.js';

const modern = NEGOTIATION_REQUESTS.find((request) => request.label === 'modern')!;
const pdu = (bytes: Uint8Array): ReadResult => ({ kind: 'pdu', bytes, ms: 3 });

describe('negotiation stage: the requests', () => {
  it('sends a cookie-less Connection Request offering SSL|HYBRID|HYBRID_EX for the modern row', () => {
    assert.deepEqual(
      buildNegotiationRequest(modern),
      hex(`
        03 00 00 13          # TPKT version 3, length 19
        0e e0 00 00 00 00 00 # X.224 LI 14, CR, DST-REF 0, SRC-REF 0, class 0
        01 00 08 00          # RDP_NEG_REQ, flags 0, length 8
        0b 00 00 00          # requestedProtocols SSL|HYBRID|HYBRID_EX`),
    );
  });
  it('has one row per distinct protocol set', () => {
    const sets = NEGOTIATION_REQUESTS.map((request) => request.requestedProtocols);
    assert.equal(new Set(sets).size, sets.length);
  });
});

describe('negotiation stage: interpreting answers', () => {
  it('records a selected protocol with its flags', () => {
    const probe = interpretNegotiationAnswer(
      modern,
      pdu(hex('03 00 00 13 0e d0 00 00 12 34 00 | 02 1f 08 00 08 00 00 00'.replace('|', ''))),
    );
    assert.equal(probe.outcome, 'selected');
    assert.equal(probe.selectedProtocol, 8);
    assert.equal(probe.selectedName, 'HYBRID_EX');
    assert.deepEqual(probe.responseFlagNames, [
      'EXTENDED_CLIENT_DATA_SUPPORTED',
      'DYNVC_GFX_PROTOCOL_SUPPORTED',
      'NEGRSP_FLAG_RESERVED',
      'RESTRICTED_ADMIN_MODE_SUPPORTED',
      'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED',
    ]);
    assert.ok(selectsTls(probe) && selectsCredssp(probe));
  });

  it('names every failure code and keeps unknown ones', () => {
    const names = [
      'SSL_REQUIRED_BY_SERVER',
      'SSL_NOT_ALLOWED_BY_SERVER',
      'SSL_CERT_NOT_ON_SERVER',
      'INCONSISTENT_FLAGS',
      'HYBRID_REQUIRED_BY_SERVER',
      'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
    ];
    names.forEach((name, index) => {
      const code = (index + 1).toString(16).padStart(2, '0');
      const probe = interpretNegotiationAnswer(
        modern,
        pdu(hex(`03 00 00 13 0e d0 00 00 12 34 00 03 00 08 00 ${code} 00 00 00`)),
      );
      assert.equal(probe.outcome, 'failure');
      assert.equal(probe.failureCode, index + 1);
      assert.equal(probe.failureName, name);
    });
    const unknown = interpretNegotiationAnswer(
      modern,
      pdu(hex('03 00 00 13 0e d0 00 00 12 34 00 03 00 08 00 0a 00 00 00')),
    );
    assert.equal(unknown.failureName, 'unknown failure code 0x0000000a');
  });

  it('treats a confirm without negotiation data as a pre-negotiation (Standard RDP Security) server', () => {
    const probe = interpretNegotiationAnswer(modern, pdu(hex('03 00 00 0b 06 d0 00 00 12 34 00')));
    assert.equal(probe.outcome, 'no-negotiation-data');
    assert.equal(selectsTls(probe), false);
  });

  it('reports a malformed confirm with the decode error and the bytes', () => {
    // RDP_NEG_RSP length says 9: MS-RDPBCGR fixes it at 8.
    const probe = interpretNegotiationAnswer(
      modern,
      pdu(hex('03 00 00 13 0e d0 00 00 12 34 00 02 00 09 00 01 00 00 00')),
    );
    assert.equal(probe.outcome, 'malformed');
    assert.deepEqual(probe.decodeError, {
      structure: 'X224.ConnectionConfirm',
      kind: 'invalid-field',
      field: 'length',
      offset: 13,
    });
    assert.match(probe.answerPreview!, /^03000013/);
  });

  it('recognises services that are not RDP from their first bytes', () => {
    const http = Buffer.from('HTTP/1.1 400 Bad Request\r\n');
    const error = new DecodeError({
      structure: 'TPKT',
      kind: 'unexpected-type',
      field: 'version',
      offset: 0,
    });
    const probe = interpretNegotiationAnswer(modern, { kind: 'malformed', received: http, error, ms: 1 });
    assert.equal(probe.outcome, 'not-rdp');
    assert.equal(probe.serviceGuess, 'http');
    assert.equal(guessService(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')), 'ssh');
    assert.equal(guessService(hex('16 03 01 00 2a')), 'tls');
    assert.equal(guessService(hex('00 01 02')), 'unknown');
  });

  it('keeps closed, reset and timeout apart when nothing came back', () => {
    const empty = new Uint8Array();
    assert.equal(
      interpretNegotiationAnswer(modern, { kind: 'closed', received: empty, ms: 1 }).outcome,
      'closed',
    );
    const reset = {
      kind: 'reset' as const,
      received: empty,
      error: { code: 'ECONNRESET', message: 'reset' },
      ms: 1,
    };
    assert.equal(interpretNegotiationAnswer(modern, reset).outcome, 'reset');
    assert.equal(
      interpretNegotiationAnswer(modern, { kind: 'timeout', received: empty, ms: 9 }).outcome,
      'timeout',
    );
  });

  it('calls a TPKT answer cut short (then reset or stalled) malformed, and says how it ended', () => {
    const reset = interpretNegotiationAnswer(modern, {
      kind: 'reset',
      received: hex('03 00'),
      error: { code: 'ECONNRESET', message: 'reset' },
      ms: 1,
    });
    assert.equal(reset.outcome, 'malformed');
    assert.equal(reset.endedBy, 'reset');
    assert.equal(reset.answerPreview, '0300');
    // A header promising 65535 bytes, then silence: the oversized-length attack.
    const stalled = interpretNegotiationAnswer(modern, {
      kind: 'timeout',
      received: hex('03 00 ff ff'),
      ms: 1500,
    });
    assert.equal(stalled.outcome, 'malformed');
    assert.equal(stalled.endedBy, 'timeout');
    assert.deepEqual(stalled.decodeError, {
      structure: 'X224.ConnectionConfirm',
      kind: 'not-enough-bytes',
      field: 'TPDU',
      offset: 4,
    });
  });

  it('calls a banner followed by a close another service', () => {
    const ssh = interpretNegotiationAnswer(modern, {
      kind: 'closed',
      received: Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'),
      ms: 1,
    });
    assert.equal(ssh.outcome, 'not-rdp');
    assert.equal(ssh.serviceGuess, 'ssh');
  });
});
