#!/usr/bin/env node
// Bundles the CLI into dist/bin/: the `rdp-doctor` entry plus chunks that load only when their
// command runs. Why: a diagnosis is over in a few hundred milliseconds, and resolving and
// compiling ~150 separate modules (commander, @peculiar/x509 and its ASN.1 tree, our own) cost
// more than 100 ms of that at every start. The library build (tsc, dist/src) is unchanged.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { 'rdp-doctor': join(root, 'src', 'cli', 'bin.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __rdpDoctorRequire } from 'node:module';\nconst require = __rdpDoctorRequire(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
});
