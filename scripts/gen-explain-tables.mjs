#!/usr/bin/env node
// One-off generator: turns ../shared/reference JSON into the literal tables under src/data.
// It writes /tmp/{disc,ext,info}.ts; those were pasted under the headers of the src/data tables and
// reviewed by hand, so it shows where the first version came from. Usage: node scripts/gen-explain-tables.mjs DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '../shared/reference';
const load = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const hex = (value) => `0x${value.toString(16).toUpperCase()}`;
const literal = (entry) =>
  `  { value: ${hex(entry.value)}, name: ${JSON.stringify(entry.name)}, meaning: ${JSON.stringify(entry.meaning)}, phase: '${entry.phase}'${entry.confidence ? `, confidence: '${entry.confidence}'` : ''}${entry.source ? `, source: ${JSON.stringify(entry.source)}` : ''} },`;

const discPhase = {
  none: 'session',
  server: 'session',
  dns: 'dns',
  client: 'client',
  network: 'tcp',
  input: 'client',
  security: 'rdp-security',
  auth: 'credssp',
  licensing: 'licensing',
};
const disc = load('disconnect-reasons.json')
  .filter((e) => !e.kind && e.code_hex)
  .map((e) => ({ value: e.code_dec, name: e.name, meaning: e.meaning, phase: discPhase[e.category] }));

function infoPhase(value, group) {
  if (group === 'licensing' || (value >= 0x100 && value <= 0x10b)) return 'licensing';
  if (group === 'connection-broker') return 'broker';
  if (group === 'standard-rdp-security' || value === 8) return 'rdp-security';
  if (value === 7) return 'connection-setup';
  if (value === 9 || value === 0xa || value === 0x300) return 'logon';
  if (value >= 0x1000) return 'connection-setup';
  return 'session';
}
const ext = load('extended-disconnect-reasons.json');
const extended = ext
  .filter((e) => e.table === 'ExtendedDisconnectReasonCode' && !e.group)
  .map((e) => ({ value: e.code_dec, name: e.name, meaning: e.meaning, phase: infoPhase(e.code_dec) }));
const info = ext
  .filter((e) => e.table?.startsWith('ERRINFO'))
  .map((e) => ({
    value: e.code_dec,
    name: e.name,
    meaning: e.meaning,
    phase: infoPhase(e.code_dec, e.group),
    confidence: e.confidence ? e.confidence.split(':')[0] : undefined,
    source: e.table.includes('FreeRDP')
      ? 'FreeRDP include/freerdp/error.h (FreeRDP-internal, never sent by a server)'
      : undefined,
  }));
const out = (file, name, rows) =>
  writeFileSync(
    file,
    `export const ${name}: readonly ErrorCodeEntry[] = [\n${rows.map(literal).join('\n')}\n];\n`,
  );
out('/tmp/disc.ts', 'DISCONNECT_REASONS', disc);
out('/tmp/ext.ts', 'EXTENDED_DISCONNECT_REASONS', extended);
out('/tmp/info.ts', 'ERROR_INFO_CODES', info);
console.log(disc.length, extended.length, info.length);
