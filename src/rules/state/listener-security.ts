/**
 * The RDP-Tcp listener's security settings as Windows applies them (registry.json): SecurityLayer
 * 0 RDP / 1 Negotiate / 2 TLS, UserAuthentication 0 / 1 (NLA), each overridden by the Terminal
 * Services policy value. Shared by nla-not-required and standard-rdp-security-only.
 */
import { type Effective, effectiveDword, KEYS, type Machine, osBuild } from './helpers.js';

/** Windows 8 / Server 2012 (build 9200) onwards enable NLA with Remote Desktop by default. */
const NLA_DEFAULT_BUILD = 9200;

export function securityLayer(machine: Machine): Effective {
  const build = osBuild(machine);
  const current = build === undefined || build >= NLA_DEFAULT_BUILD;
  // Current Windows writes SecurityLayer 2 when Remote Desktop is enabled; the unattend reference
  // (registry.json) gives 1 (Negotiate) for the value left unset, which older releases used.
  return effectiveDword(
    machine,
    { key: KEYS.rdpTcp, name: 'SecurityLayer' },
    { key: KEYS.tsPolicy, name: 'SecurityLayer' },
    current ? 2 : 1,
    current ? 'current Windows: TLS' : 'before Windows Server 2012: Negotiate',
  );
}

export function userAuthentication(machine: Machine): Effective {
  const build = osBuild(machine);
  const current = build === undefined || build >= NLA_DEFAULT_BUILD;
  return effectiveDword(
    machine,
    { key: KEYS.rdpTcp, name: 'UserAuthentication' },
    { key: KEYS.tsPolicy, name: 'UserAuthentication' },
    current ? 1 : 0,
    current ? 'current Windows requires NLA' : 'before Windows Server 2012: NLA not required',
  );
}

export const SECURITY_LAYER_NAMES: Readonly<Record<number, string>> = { 0: 'RDP', 1: 'Negotiate', 2: 'TLS' };
