import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/src/cli/version.js is three levels below package.json; src/cli/version.ts and the
  // bundle (dist/bin/cli.js) two. A plain read: createRequire would load Node's module loader.
  for (const path of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'rdp-doctor' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
