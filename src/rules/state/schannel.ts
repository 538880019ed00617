/**
 * Which TLS versions Schannel offers on one side of a machine, from SCHANNEL\Protocols\<version>\
 * {Server,Client} Enabled / DisabledByDefault, falling back to the release's defaults when the
 * values are absent (registry.json; windows-tls-defaults.json). RDP's callers (TermService, mstsc)
 * do not ask for a version explicitly, so "disabled by default" is off for RDP.
 */
import type { TlsVersionName } from '../../data/clients/types.js';
import type { Evidence } from '../types.js';
import { dword, KEYS, type Machine, osBuild, registrySource, valueState } from './helpers.js';

export type SchannelSide = 'Server' | 'Client';

export const TLS_VERSIONS: readonly { readonly name: TlsVersionName; readonly key: string }[] = [
  { name: 'TLSv1', key: 'TLS 1.0' },
  { name: 'TLSv1.1', key: 'TLS 1.1' },
  { name: 'TLSv1.2', key: 'TLS 1.2' },
  { name: 'TLSv1.3', key: 'TLS 1.3' },
];

/** Windows 11 (22000) and Server 2022 (20348) are the first with TLS 1.3 (windows-tls-defaults.json). */
const TLS13_BUILD = 20348;
/**
 * TLS 1.2 is on by default from Windows 8.1 / Server 2012 R2 (9600) per windows-tls-defaults.json;
 * Windows 8 / Server 2012 (9200) are not in that table and are treated the same, as Microsoft's
 * Schannel protocol table lists TLS 1.1/1.2 enabled there. Windows 7 / 2008 R2 ship them off.
 */
const TLS12_BUILD = 9200;

/**
 * From Windows 11 24H2 / Server 2025 (26100) TLS 1.0 and 1.1 are treated as off by default, as the
 * client profiles do (src/data/clients windows-11-24h2, versionsDisputed: Microsoft's protocol
 * table still lists them on, its deprecation notice says they are off in new builds).
 */
const LEGACY_OFF_BUILD = 26100;

/** On by default for a release; undefined build = a .reg export, judged as current Windows. */
function onByDefault(version: TlsVersionName, build: number | undefined): boolean {
  if (version === 'TLSv1.3') return build === undefined || build >= TLS13_BUILD;
  if (version === 'TLSv1.2') return build === undefined || build >= TLS12_BUILD;
  // A .reg export (no build) is judged with TLS 1.0/1.1 on: most servers in use predate 26100.
  const legacyOn = build === undefined || build < LEGACY_OFF_BUILD;
  return version === 'TLSv1.1' ? legacyOn && (build === undefined || build >= TLS12_BUILD) : legacyOn;
}

/** Whether the release's Schannel can speak the version at all (TLS 1.3 before 2022/11 cannot, whatever the registry says). */
function supported(version: TlsVersionName, build: number | undefined): boolean {
  return version !== 'TLSv1.3' || build === undefined || build >= TLS13_BUILD;
}

export interface VersionState {
  readonly version: TlsVersionName;
  readonly on: boolean;
  /** Why: the values read, or the default. */
  readonly evidence: Evidence;
}

export type SideState =
  | { readonly kind: 'not-covered'; readonly reason: string }
  | { readonly kind: 'read'; readonly versions: readonly VersionState[] };

export function schannelSide(machine: Machine, side: SchannelSide): SideState {
  const build = osBuild(machine);
  const versions: VersionState[] = [];
  for (const { name, key } of TLS_VERSIONS) {
    const path = `${KEYS.schannelProtocols}\\${key}\\${side}`;
    const enabled = valueState(machine, path, 'Enabled');
    if (enabled.kind === 'not-covered')
      return { kind: 'not-covered', reason: `the evidence does not cover ${path}` };
    const disabledByDefault = valueState(machine, path, 'DisabledByDefault');
    const enabledValue = dword(enabled);
    const dbdValue = dword(disabledByDefault);
    const byDefault = onByDefault(name, build);
    const on =
      supported(name, build) &&
      (enabledValue === undefined ? byDefault : enabledValue !== 0) &&
      (dbdValue === undefined ? byDefault : dbdValue === 0);
    const set = [
      enabledValue === undefined ? undefined : `Enabled=${enabledValue}`,
      dbdValue === undefined ? undefined : `DisabledByDefault=${dbdValue}`,
    ].filter((part) => part !== undefined);
    const source = enabled.kind === 'unset' || enabled.kind === 'set' ? enabled.source : '';
    versions.push({
      version: name,
      on,
      evidence: {
        label: `${key} ${side}`,
        value: `${on ? 'on' : 'off'} (${set.length > 0 ? set.join(', ') : `not set: ${byDefault ? 'on' : 'off'} by default${build ? ` on build ${build}` : ''}`})`,
        source: registrySource(source, path),
      },
    });
  }
  return { kind: 'read', versions };
}
