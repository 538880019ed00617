/**
 * Windows Firewall facts the firewall and port rules share: the listener's port (RDP-Tcp PortNumber,
 * local only, default 3389 per registry.json) and which inbound rules admit or block it in a profile.
 */
import type { CollectedFirewallRule } from '../../evidence/state/collect-document.js';
import type { Evidence } from '../types.js';
import { dword, KEYS, type Machine, valueEvidence, valueState } from './helpers.js';

export const DEFAULT_RDP_PORT = 3389;
/** The locale-independent group of the built-in "Remote Desktop" rules. */
export const REMOTE_DESKTOP_GROUP = '@FirewallAPI.dll,-28752';

export type ListenerPort =
  | { readonly kind: 'not-covered'; readonly reason: string }
  | { readonly kind: 'port'; readonly port: number; readonly evidence: Evidence };

export function listenerPort(machine: Machine): ListenerPort {
  const state = valueState(machine, KEYS.rdpTcp, 'PortNumber');
  if (state.kind === 'not-covered')
    return { kind: 'not-covered', reason: `the evidence does not cover ${KEYS.rdpTcp}` };
  const port = dword(state);
  if (port === undefined) {
    return {
      kind: 'port',
      port: DEFAULT_RDP_PORT,
      evidence: {
        ...valueEvidence('PortNumber', state),
        value: `not set: ${DEFAULT_RDP_PORT} (the default)`,
      },
    };
  }
  return { kind: 'port', port, evidence: valueEvidence('PortNumber', state) };
}

/** "Any", "3389", "5000-5010" (Get-NetFirewallPortFilter's forms), or a named set such as "RPC" (never the RDP port). */
export function portListed(localPorts: readonly string[], port: number): boolean {
  return localPorts.some((entry) => {
    const text = entry.trim();
    if (/^any$/i.test(text)) return true;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(text);
    if (range) return Number(range[1]) <= port && port <= Number(range[2]);
    return /^\d+$/.test(text) && Number(text) === port;
  });
}

export function inProfile(rule: CollectedFirewallRule, profile: string): boolean {
  return rule.profiles.some((entry) => /^any$/i.test(entry) || entry.toLowerCase() === profile.toLowerCase());
}

/** A rule that names ports (not "Any"): the built-in User Mode rules (3389) are of this kind. */
export function namesPorts(rule: CollectedFirewallRule): boolean {
  return rule.localPorts.length > 0 && !rule.localPorts.some((entry) => /^any$/i.test(entry.trim()));
}

/**
 * Whether a rule lets TCP reach the port. The built-in "Remote Desktop - Shadow (TCP-In)" rule has
 * LocalPort Any but admits only RdpSa.exe (a program filter the collector does not report), so a
 * Remote Desktop group rule counts only for the ports it names.
 */
export function admitsPort(rule: CollectedFirewallRule, port: number): boolean {
  if (isRemoteDesktopRule(rule) && !namesPorts(rule)) return false;
  return portListed(rule.localPorts, port);
}

/** Enabled inbound TCP rules with this action that apply to the port in the profile. */
export function rulesFor(
  rules: readonly CollectedFirewallRule[],
  action: 'Allow' | 'Block',
  port: number,
  profile: string,
): CollectedFirewallRule[] {
  return rules.filter(
    (rule) =>
      rule.enabled &&
      rule.direction === 'Inbound' &&
      rule.action === action &&
      /^(tcp|any|6)$/i.test(rule.protocol) &&
      inProfile(rule, profile) &&
      (action === 'Block' ? portListed(rule.localPorts, port) : admitsPort(rule, port)),
  );
}

export function isRemoteDesktopRule(rule: CollectedFirewallRule): boolean {
  return rule.group === REMOTE_DESKTOP_GROUP || /^remote desktop$/i.test(rule.displayGroup);
}

export function ruleName(rule: CollectedFirewallRule): string {
  return `${rule.displayName || rule.name} (${rule.enabled ? 'enabled' : 'disabled'}, ${rule.action}, ${rule.protocol} ${rule.localPorts.join(',')}, profiles ${rule.profiles.join(',')})`;
}
