import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { hasBinary, onProcessExit, type RunningServer } from './process.js';

/**
 * A port whose SYNs vanish: a network namespace of the test's own, joined to the host by a veth
 * pair, with `iptables -A INPUT -p tcp --dport 3389 -j DROP` inside it. The pair is numbered from
 * 198.18.0.0/15 (RFC 2544, reserved for benchmarking): it exists only between the host and the
 * namespace, so no packet leaves the machine.
 */
const RDP_PORT = 3389;

function run(args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stderr ?? ''}${result.stdout ?? ''}`.trim() };
}

function must(args: readonly string[]): void {
  const result = run(args);
  if (!result.ok) throw new Error(`'${args.join(' ')}' failed: ${result.output}`);
}

let support: string | false | undefined;

/** Why firewalled ports cannot be made here (a skip reason), or false when they can. */
export function firewallUnsupported(): string | false {
  if (support !== undefined) return support;
  if (process.getuid?.() !== 0) support = 'needs root to create a network namespace';
  else if (!hasBinary('ip') || !hasBinary('iptables')) support = 'needs ip and iptables (iproute2, iptables)';
  else {
    const name = `rdpd-check-${process.pid}`;
    const created = run(['ip', 'netns', 'add', name]);
    const filtered = created.ok && run(['ip', 'netns', 'exec', name, 'iptables', '-L', 'INPUT', '-n']).ok;
    if (created.ok) run(['ip', 'netns', 'del', name]);
    support = !created.ok
      ? `no network namespace support: ${created.output}`
      : !filtered
        ? 'iptables does not work inside a network namespace here'
        : false;
  }
  return support;
}

let sequence = 0;

/**
 * What the namespace's INPUT rule does to SYNs for the port: DROP (they vanish), or REJECT with an
 * ICMP message (`iptables --reject-with`), the answer a firewall gives when it says no out loud.
 */
export type FirewallAction =
  'drop' | 'icmp-admin-prohibited' | 'icmp-host-prohibited' | 'icmp-port-unreachable';

export async function startFirewalledPort(action: FirewallAction = 'drop'): Promise<RunningServer> {
  const unsupported = firewallUnsupported();
  if (unsupported) throw new Error(`startFirewalledPort: ${unsupported}`);
  const tag = randomBytes(3).toString('hex');
  const namespace = `rdpd-fw-${process.pid}-${sequence++}`;
  const hostSide = `rdfw${tag}h`;
  const namespaceSide = `rdfw${tag}n`;
  const subnet = `198.${randomInt(18, 20)}.${randomInt(0, 256)}`;
  const base = randomInt(0, 64) * 4;
  const hostAddress = `${subnet}.${base + 1}`;
  const targetAddress = `${subnet}.${base + 2}`;
  const cleanup = (): void => {
    run(['ip', 'netns', 'del', namespace]);
    // Deleting the namespace removes both ends of the pair; this covers a half-made setup.
    run(['ip', 'link', 'del', hostSide]);
  };
  const unregister = onProcessExit(cleanup);
  try {
    must(['ip', 'netns', 'add', namespace]);
    must(['ip', 'link', 'add', hostSide, 'type', 'veth', 'peer', 'name', namespaceSide]);
    must(['ip', 'link', 'set', namespaceSide, 'netns', namespace]);
    must(['ip', 'addr', 'add', `${hostAddress}/30`, 'dev', hostSide]);
    must(['ip', 'link', 'set', hostSide, 'up']);
    const inside = ['ip', 'netns', 'exec', namespace];
    must([...inside, 'ip', 'link', 'set', 'lo', 'up']);
    must([...inside, 'ip', 'addr', 'add', `${targetAddress}/30`, 'dev', namespaceSide]);
    must([...inside, 'ip', 'link', 'set', namespaceSide, 'up']);
    const verdict = action === 'drop' ? ['-j', 'DROP'] : ['-j', 'REJECT', '--reject-with', action];
    must([...inside, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', String(RDP_PORT), ...verdict]);
  } catch (error) {
    cleanup();
    unregister();
    throw error;
  }
  let stopped = false;
  return {
    host: targetAddress,
    port: RDP_PORT,
    async stop() {
      if (stopped) return;
      stopped = true;
      cleanup();
      unregister();
    },
  };
}
