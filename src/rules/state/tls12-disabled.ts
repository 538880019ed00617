import { FIX_ENABLE_TLS12, onAzure } from '../../collect/fix-catalog.js';
import { CLIENT_PROFILES } from '../../data/clients/index.js';
import { WINDOWS_SERVER_PROFILES } from '../../data/clients/windows-server.js';
import type { TlsVersionName } from '../../data/clients/types.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import type { Fix, Rule, RuleOutcome } from '../types.js';
import { found, type Machine, machines, notEvaluated, PASS, perMachine, type StateNeed } from './helpers.js';
import { type SchannelSide, schannelSide, type VersionState } from './schannel.js';

/**
 * What current Windows Server releases accept by default, for a client judged alone: a server's
 * Schannel defaults are those of its client profile (src/data/clients/windows-server.ts).
 */
const SERVER_RELEASES = WINDOWS_SERVER_PROFILES.filter((profile) => profile.current).map((profile) => ({
  name: profile.displayName,
  versions: profile.tls.versions,
}));

const VERSION_LABEL: Readonly<Record<TlsVersionName, string>> = {
  SSLv3: 'SSL 3.0',
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

const label = (versions: readonly TlsVersionName[]) =>
  versions.length > 0 ? versions.map((version) => VERSION_LABEL[version]).join(', ') : 'none';

const ENABLE_ON_CLIENT: Fix = {
  ...FIX_ENABLE_TLS12,
  where: 'client',
  steps: ['Run it on the machine that runs mstsc, with -Side Client.', ...FIX_ENABLE_TLS12.steps],
};

function judge(
  machine: Machine,
  side: SchannelSide,
  peers: readonly { readonly name: string; readonly versions: readonly TlsVersionName[] }[],
): RuleOutcome {
  const state = schannelSide(machine, side);
  if (state.kind === 'not-covered') return notEvaluated(state.reason);
  const tls12 = state.versions.find((entry) => entry.version === 'TLSv1.2') as VersionState;
  if (tls12.on) return PASS;
  const remaining = state.versions.filter((entry) => entry.on).map((entry) => entry.version);
  const failing = peers.filter((peer) => !peer.versions.some((version) => remaining.includes(version)));
  const who = side === 'Server' ? 'server' : 'client';
  return found([
    {
      severity: failing.length > 0 ? 'error' : 'warning',
      title:
        failing.length > 0
          ? `TLS 1.2 is off on the ${who} (${machine.name}): ${failing.map((peer) => peer.name).join(', ')} cannot connect`
          : `TLS 1.2 is off on the ${who} (${machine.name}); ${label(remaining)} still carry current ${side === 'Server' ? 'clients' : 'servers'}`,
      evidence: [
        ...state.versions.map((entry) => entry.evidence),
        {
          label: `TLS versions left on the ${who}`,
          value: label(remaining),
          source: tls12.evidence.source ?? '',
        },
      ],
      ...(side === 'Client' ? { fixes: [ENABLE_ON_CLIENT], replaceFixes: true } : {}),
      data: { side, remaining, failing: failing.map((peer) => peer.name) },
    },
  ]);
}

export const tls12Disabled: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'tls12-disabled',
    title: 'TLS 1.2 is switched off in Schannel',
    severity: 'error',
    requires: ['registry:schannel'],
    docs: {
      explanation:
        'SCHANNEL\\Protocols\\TLS 1.2\\Server (on the RDP server) or \\Client (on the machine running mstsc) has ' +
        'Enabled = 0 or DisabledByDefault = 1, so Schannel does not offer TLS 1.2 to Remote Desktop. Current clients ' +
        '(Windows 11 24H2, Windows App, FreeRDP 3) speak only TLS 1.2 and 1.3: when no version both sides can use is ' +
        'left, the TLS handshake fails (mstsc 0x904; Schannel 36874/36888 on the server) and this is an error; when ' +
        'TLS 1.3 (Server 2022 and later) or TLS 1.0/1.1 still carry the connection it is a warning.',
      falseAlarm:
        'A server reached only through an RD Gateway or a TLS-terminating device is not contacted by clients ' +
        'directly; judge that device instead. Changes apply after a reboot, so a freshly changed value may not be in force yet.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [FIX_ENABLE_TLS12, onAzure(FIX_ENABLE_TLS12)],
  },
  evaluate(evidence) {
    const currentClients = CLIENT_PROFILES.filter((profile) => profile.current).map((profile) => ({
      name: profile.displayName,
      versions: profile.tls.versions,
    }));
    // A client is judged against the servers in the evidence when there are any, else against current releases.
    const serverPeers = machines(evidence, 'server').flatMap((server) => {
      const state = schannelSide(server, 'Server');
      return state.kind === 'read'
        ? [{ name: server.name, versions: state.versions.filter((v) => v.on).map((v) => v.version) }]
        : [];
    });
    return perMachine(evidence, ['server', 'client'], (machine) =>
      machine.role === 'server'
        ? judge(machine, 'Server', currentClients)
        : judge(machine, 'Client', serverPeers.length > 0 ? serverPeers : SERVER_RELEASES),
    );
  },
};
