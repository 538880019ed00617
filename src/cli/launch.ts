/**
 * The published entry point (dist/bin/rdp-doctor.js, CommonJS): it runs the CLI bundle
 * (dist/bin/cli.js) with V8's code cache, which Node 20 cannot keep for us and Node 22 and 24 keep
 * only in part (see code-cache.ts). The same path runs on every supported Node.
 * scripts/bundle.mjs builds this file and fills in the bundle's name and hash.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import {
  codeCacheDirectory,
  codeCacheFileName,
  preparePrivateDirectory,
  readCodeCache,
  writeCodeCache,
} from './code-cache.js';

declare const RDP_DOCTOR_BUNDLE_FILE: string;
declare const RDP_DOCTOR_BUNDLE_HASH: string;

const bundlePath = join(__dirname, RDP_DOCTOR_BUNDLE_FILE);
// The bundle is one function expression with Node's CommonJS module wrapper (scripts/bundle.mjs
// writes it), so it runs exactly as if required. Read as Latin-1: it is ASCII (the build checks),
// and this skips UTF-8 decoding.
const source = readFileSync(bundlePath, 'latin1');

let directory = codeCacheDirectory(process.env, process.platform, safeHome());
if (directory && !preparePrivateDirectory(directory)) directory = undefined;
const fileName = codeCacheFileName(RDP_DOCTOR_BUNDLE_HASH, process.argv[2]);
const cachedData = directory ? readCodeCache(join(directory, fileName)) : undefined;

const script = new Script(source, { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
if (directory && (!cachedData || script.cachedDataRejected)) {
  const cacheDirectory = directory;
  // Taken at exit, so it holds what this command compiled; not after bad input (exit 2), whose
  // run compiled little of the command.
  process.once('exit', (code) => {
    if (code <= 1)
      writeCodeCache(cacheDirectory, RDP_DOCTOR_BUNDLE_HASH, fileName, script.createCachedData());
  });
}
const bundleModule = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(
  bundleModule.exports,
  require,
  bundleModule,
  bundlePath,
  __dirname,
);

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}
