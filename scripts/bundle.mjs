#!/usr/bin/env node
// Bundles the CLI into dist/bin/ for the `rdp-doctor` bin:
// - cli.js: every command in one CommonJS bundle. Why one bundle: resolving and compiling ~150
//   separate modules (commander, @peculiar/x509 and its ASN.1 tree, our own) cost more than 100 ms
//   at every start. Commands' code is wrapped by esbuild and runs only when its command does.
// - rdp-doctor.js: the launcher (src/cli/launch.ts), which runs cli.js with V8's code cache.
//   CommonJS because Node 20 can hand V8 a code cache only for scripts, not ES modules.
// The library build (tsc, dist/src) is unchanged.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'linked',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
  // Non-ASCII characters as escapes (the launcher relies on it).
  charset: 'ascii',
  // import() of a built-in becomes require(): the launcher runs the bundle as a vm.Script, which
  // has no dynamic-import hook of its own.
  supported: { 'dynamic-import': false },
};

/**
 * commander requires node:child_process at load time for executable subcommands, which we do not
 * use; loading it (with dgram and the rest) cost ~3 ms of every start. It gets a stand-in that
 * loads the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'lazy-child-process', namespace: 'rdp-doctor-lazy' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'rdp-doctor-lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * The lab's certificate maker (src/lab/certificates.ts) pulls in an X.509 and ASN.1 stack of
 * ~500 KB that only `lab` and `demo` use. It is its own bundle, required on use, so the main
 * bundle every command compiles (and whose code cache it reads) is 40% smaller.
 */
const labCertificatesFile = 'lab-certificates.js';
const separateLabCertificates = {
  name: 'separate-lab-certificates',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/certificates\.js$/ }, (args) =>
      /[\\/]src[\\/]lab[\\/]/.test(args.importer)
        ? { path: `./${labCertificatesFile}`, external: true }
        : undefined,
    );
  },
};

/**
 * The shipped PowerShell (src/collect/scripts.generated.ts, ~100 KB of text) is needed only by
 * collect, fix and analyze: its own file, required on use, keeps it out of every other start.
 */
const collectScriptsFile = 'collect-scripts.js';
const separateCollectScripts = {
  name: 'separate-collect-scripts',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /scripts\.generated\.js$/ }, (args) =>
      /[\\/]src[\\/]collect[\\/]/.test(args.importer)
        ? { path: `./${collectScriptsFile}`, external: true }
        : undefined,
    );
  },
};

const bundleFile = 'cli.js';
await build({
  ...common,
  plugins: [lazyChildProcess, separateLabCertificates, separateCollectScripts],
  entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
  outfile: join(outdir, bundleFile),
  // src/cli/version.ts finds package.json from its own URL.
  define: { 'import.meta.url': '__rdpDoctorBundleUrl' },
  // The CommonJS module wrapper is written into the file, so the launcher compiles it as read
  // (no second 1.2 MB string to build, flatten and collect at every start).
  banner: {
    js:
      '(function (exports, require, module, __filename, __dirname) {"use strict";' +
      "var __rdpDoctorBundleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
});
await build({
  ...common,
  entryPoints: [join(root, 'src', 'lab', 'certificates.ts')],
  outfile: join(outdir, labCertificatesFile),
});
await build({
  ...common,
  entryPoints: [join(root, 'src', 'collect', 'scripts.generated.ts')],
  outfile: join(outdir, collectScriptsFile),
});

const bundleBytes = readFileSync(join(outdir, bundleFile));
// The launcher reads the bundle as Latin-1, which is only right for ASCII.
const nonAscii = bundleBytes.findIndex((byte) => byte > 0x7f);
if (nonAscii !== -1) throw new Error(`${bundleFile} has a non-ASCII byte at offset ${nonAscii}`);
const bundleHash = createHash('sha256').update(bundleBytes).digest('hex').slice(0, 16);

await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'launch.ts')],
  outfile: join(outdir, 'rdp-doctor.js'),
  banner: { js: '#!/usr/bin/env node' },
  define: {
    RDP_DOCTOR_BUNDLE_FILE: JSON.stringify(bundleFile),
    RDP_DOCTOR_BUNDLE_HASH: JSON.stringify(bundleHash),
  },
});
// The package is "type": "module"; these two files are CommonJS.
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
