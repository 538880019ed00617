#!/usr/bin/env node
// Parse throughput: `rdp-doctor analyze --json --events` (built dist/ CLI, Node start-up included)
// against Debian's `evtxexport` over the same .evtx files: the whole corpus in one run of each,
// median of 5 alternating runs. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = 5;
const corpus = process.argv[2] ?? join(process.cwd(), '../shared/corpus/evtx');
const cli = join(process.cwd(), 'dist/src/cli/bin.js');
if (!existsSync(cli)) {
  console.error(`bench: ${cli} not found; run npm run build first`);
  process.exit(2);
}
const files = readdirSync(corpus)
  .filter((name) => name.endsWith('.evtx'))
  .sort()
  .map((name) => join(corpus, name));
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);

function timeRun(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return ms;
}

// evtxexport takes one file per run; a shell loop runs them all in one measured command.
const evtxexportScript = 'for f in "$@"; do evtxexport -f xml "$f" >/dev/null 2>&1; done';
const ours = [];
const theirs = [];
for (let run = 0; run < RUNS; run++) {
  ours.push(timeRun(process.execPath, [cli, 'analyze', '--json', '--events', ...files]));
  theirs.push(timeRun('sh', ['-c', evtxexportScript, 'sh', ...files]));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const oursMs = median(ours);
const theirsMs = median(theirs);
const mib = bytes / 1024 / 1024;
console.log(`${files.length} files, ${mib.toFixed(1)} MiB, median of ${RUNS} alternating runs`);
console.log(
  `rdp-doctor analyze --json --events: ${oursMs.toFixed(0)} ms (${(mib / (oursMs / 1000)).toFixed(1)} MiB/s)`,
);
console.log(
  `evtxexport -f xml:                  ${theirsMs.toFixed(0)} ms (${(mib / (theirsMs / 1000)).toFixed(1)} MiB/s)`,
);
console.log(`speed-up: ${(theirsMs / oursMs).toFixed(2)}x (target >= 3x, aim 5x)`);
