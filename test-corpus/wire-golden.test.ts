import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readCapture, tcpStreams } from '../src/evidence/pcap.js';
import { DecodeError } from '../src/wire/errors.js';
import { decodeClientConnectInitial, decodeServerConnectResponse } from '../src/wire/mcs.js';
import { TpktFramer } from '../src/wire/tpkt-framer.js';
import { decodeConnectionConfirm, decodeConnectionRequest } from '../src/wire/x224.js';

/**
 * Every capture of the shared corpus (../shared/corpus, present in CI): the wire codecs never throw
 * anything but a DecodeError, and the X.224 negotiation they decode matches tshark's facts row
 * for row (expected/pcap/<file>.tshark-facts.txt).
 */
const CORPUS = new URL('../../shared/corpus/', import.meta.url);
const PCAPS = new URL('pcap/', CORPUS);

interface NegotiationRow {
  readonly direction: 'request' | 'confirm';
  readonly cookie: string;
  readonly value: string;
}

/** The "X.224 / RDP negotiation" table: frame|src|dst|type|cookie|neg_type|req|sel|fail|flags. */
function tsharkNegotiation(file: string): NegotiationRow[] {
  const facts = readFileSync(new URL(`expected/pcap/${file}.tshark-facts.txt`, CORPUS), 'utf8');
  const section = facts.split('## X.224 / RDP negotiation')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\d+\|/.test(line))
    .map((line) => {
      const [, , , type, cookie, , requested, selected, failure] = line.split('|');
      const direction = type === '0x0e' ? ('request' as const) : ('confirm' as const);
      const value =
        direction === 'request' ? (requested ?? '') : selected || (failure ? `failure ${failure}` : '');
      return { direction, cookie: (cookie ?? '').replace(/^Cookie: mstshash=/, ''), value };
    });
}

/** zeek-baselines/...rdp-invalid-length: "&enforce violation : RDP_Negotiation_Response:length". */
const DECODE_ERRORS_PER_ZEEK: Readonly<Record<string, 'request' | 'confirm'>> = {
  'zeek-rdp-invalid-length.pcap': 'confirm',
};

function hex8(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

const files = existsSync(PCAPS) ? readdirSync(PCAPS).filter((name) => /\.pcap(ng)?$/.test(name)) : [];

test('corpus is present', () => {
  assert.ok(files.length > 0, `no captures under ${PCAPS.pathname}`);
});

for (const file of files) {
  test(`wire golden over the corpus: ${file}`, () => {
    const capture = readCapture(readFileSync(new URL(file, PCAPS)));
    const ours: NegotiationRow[] = [];
    for (const connection of tcpStreams(capture, 3389)) {
      for (const [stream, isClient] of [
        [connection.clientToServer.bytes, true],
        [connection.serverToClient.bytes, false],
      ] as const) {
        const events = new TpktFramer().push(stream);
        events.forEach((event, index) => {
          if (event.kind !== 'pdu' || index > 1) return;
          try {
            if (index === 1) {
              if (isClient) decodeClientConnectInitial(event.bytes);
              else decodeServerConnectResponse(event.bytes);
              return;
            }
            if (isClient) {
              const request = decodeConnectionRequest(event.bytes);
              const cookie = request.routing.kind === 'cookie' ? request.routing.value : '';
              const value = request.negotiation ? hex8(request.negotiation.requestedProtocols) : '';
              ours.push({ direction: 'request', cookie, value });
            } else {
              const negotiation = decodeConnectionConfirm(event.bytes).negotiation;
              const value = !negotiation
                ? ''
                : negotiation.type === 'response'
                  ? hex8(negotiation.selectedProtocol)
                  : `failure ${hex8(negotiation.failureCode)}`;
              ours.push({ direction: 'confirm', cookie: '', value });
            }
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
            if (index === 0)
              ours.push({ direction: isClient ? 'request' : 'confirm', cookie: '', value: 'decode-error' });
          }
        });
      }
    }
    // Where Zeek's baseline reports a violation, tshark still prints an (empty) row; we must
    // report a DecodeError for it instead.
    const expected = tsharkNegotiation(file).map((row) =>
      DECODE_ERRORS_PER_ZEEK[file] === row.direction ? { ...row, value: 'decode-error' } : row,
    );
    const key = (row: NegotiationRow) => `${row.direction} ${row.cookie} ${row.value}`;
    // tshark lists frames in capture order; connections interleave, so compare as sorted lists.
    assert.deepEqual(ours.map(key).sort(), expected.map(key).sort());
  });
}
