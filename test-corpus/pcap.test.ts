import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readCapture, tcpStreams, udpDatagrams } from '../src/evidence/pcap.js';

// Every capture of the shared corpus (CI has ../shared/corpus), checked against tshark's facts.
const CORPUS = new URL('../../shared/corpus/', import.meta.url);

function fact(file: string, label: string): string | undefined {
  const text = readFileSync(new URL(`expected/pcap/${file}.tshark-facts.txt`, CORPUS), 'utf8');
  return text.match(new RegExp(`^${label}:\\s+(.+)$`, 'm'))?.[1]?.trim();
}

/** "a.b.c.d:port <-> e.f.g.h:port" rows of the tshark conversations section. */
function conversations(file: string): string[] {
  const text = readFileSync(new URL(`expected/pcap/${file}.tshark-facts.txt`, CORPUS), 'utf8');
  const section = text.split('## conversations')[1]?.split('##')[0] ?? '';
  return section
    .split('\n')
    .map((line) => line.match(/^(\S+)\s+<->\s+(\S+)/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => [match[1], match[2]].sort().join(' '));
}

describe('pcap corpus', () => {
  const files = readdirSync(new URL('pcap/', CORPUS)).sort();
  for (const file of files) {
    it(`${file}: packet count, format and conversations match tshark`, () => {
      const capture = readCapture(new Uint8Array(readFileSync(new URL(`pcap/${file}`, CORPUS))));
      assert.equal(capture.truncated, undefined);
      assert.equal(String(capture.packets.length), fact(file, 'Number of packets'));
      assert.equal(capture.format, fact(file, 'File type')?.endsWith('pcapng') ? 'pcapng' : 'pcap');
      const ours = new Set<string>();
      for (const connection of tcpStreams(capture)) {
        ours.add(
          [
            `${connection.client.address}:${connection.client.port}`,
            `${connection.server.address}:${connection.server.port}`,
          ]
            .sort()
            .join(' '),
        );
      }
      for (const datagram of udpDatagrams(capture)) {
        ours.add(
          [
            `${datagram.source.address}:${datagram.source.port}`,
            `${datagram.destination.address}:${datagram.destination.port}`,
          ]
            .sort()
            .join(' '),
        );
      }
      for (const conversation of conversations(file))
        assert.ok(ours.has(conversation), `${conversation} not found`);
    });
  }
});
