/**
 * A fleet of lab listeners for scan tests and benches: hundreds of scenarios, each on its own
 * loopback address at port 3389, all in one child process (so the probing process's event loop
 * and the servers' do not share a core). Addresses come from 127.77.0.0/16, which only this
 * module hands out (addressAllocator uses 127.64-127.127 at random, so a fleet checks each
 * address free before it listens).
 *
 * Run as a script it is the child: argv[2] is the plan as JSON; it prints one line of JSON when
 * every listener is up, answers "stats" on stdin with one line of JSON, and closes everything
 * when stdin ends.
 */
import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type LabServer, startLabServer } from '../../src/lab/server.js';
import { onProcessExit } from './process.js';

/** The block fleets live in: 127.77.0.0/16, addresses 127.77.B.1 to 127.77.B.250. */
export const FLEET_BLOCK = '127.77';
const PER_BLOCK_OCTET = 250;
const RDP_PORT = 3389;

/** Scenario ids, each with how many hosts play it; 'closed' is an address where nothing listens. */
export type FleetPlan = readonly { readonly scenario: string; readonly count: number }[];

export interface FleetHost {
  readonly host: string;
  readonly port: number;
  readonly scenario: string;
}

/** Peaks are since the last stats() call (so one test can read its own). */
export interface FleetStats {
  /** Connections the fleet accepted, in all. */
  readonly connections: number;
  /** Connections open at once, at most: over the fleet, and to one address. */
  readonly peakOpen: number;
  readonly peakOpenPerHost: number;
}

export interface LabFleet {
  readonly hosts: readonly FleetHost[];
  stats(): Promise<FleetStats>;
  stop(): Promise<void>;
}

/** The n-th fleet address (0-based), from `firstOctet` on: 127.77.<firstOctet + n/250>.<1 + n%250>. */
export function fleetAddress(index: number, firstOctet = 0): string {
  return `${FLEET_BLOCK}.${firstOctet + Math.floor(index / PER_BLOCK_OCTET)}.${(index % PER_BLOCK_OCTET) + 1}`;
}

/**
 * Starts the fleet in a child process. Hosts are numbered in plan order from `firstOctet`
 * (give each test file its own, so files running at once do not collide).
 */
export async function startLabFleet(plan: FleetPlan, firstOctet: number): Promise<LabFleet> {
  const hosts: FleetHost[] = [];
  for (const { scenario, count } of plan)
    for (let index = 0; index < count; index++)
      hosts.push({ host: fleetAddress(hosts.length, firstOctet), port: RDP_PORT, scenario });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(hosts)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const readLine = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error('the lab fleet exited before it answered');
    return next.value;
  };
  const ready = JSON.parse(await readLine()) as { ready?: boolean; error?: string };
  if (!ready.ready) {
    child.kill('SIGKILL');
    throw new Error(`the lab fleet did not start: ${ready.error}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    hosts,
    async stats() {
      child.stdin!.write('stats\n');
      return JSON.parse(await readLine()) as FleetStats;
    },
    stop() {
      stopping ??= (async () => {
        const exited = once(child, 'exit');
        child.stdin!.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        unregister();
      })();
      return stopping;
    },
  };
}

/** The child: every listener of the plan, and the open-connection counts. */
async function serveFleet(hosts: readonly FleetHost[]): Promise<void> {
  const listening = hosts.filter((host) => host.scenario !== 'closed');
  // One certificate per profile for the whole fleet, valid for every address in it.
  const certificateNames = ['localhost', hostname(), ...listening.map((host) => host.host)];
  let open = 0;
  let connections = 0;
  let peakOpen = 0;
  let peakOpenPerHost = 0;
  const openPerHost = new Map<string, number>();
  diagnosticsChannel.subscribe('net.server.socket', (message) => {
    const socket = (message as { socket: Socket }).socket;
    const host = socket.localAddress ?? '';
    connections++;
    open++;
    openPerHost.set(host, (openPerHost.get(host) ?? 0) + 1);
    // Read once the loop has handled what was ready with this accept: a FIN the client sent
    // before its next connect can sit in the same batch (see test/fleet/pool.test.ts).
    setImmediate(() => {
      peakOpen = Math.max(peakOpen, open);
      peakOpenPerHost = Math.max(peakOpenPerHost, openPerHost.get(host) ?? 0);
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      open--;
      openPerHost.set(host, openPerHost.get(host)! - 1);
    };
    socket.once('end', end);
    socket.once('close', end);
  });
  const servers: LabServer[] = [];
  try {
    // In batches: each start makes its keys first, and hundreds at once only wait on each other.
    for (let index = 0; index < listening.length; index += 50)
      servers.push(
        ...(await Promise.all(
          listening
            .slice(index, index + 50)
            .map((host) =>
              startLabServer(host.scenario, { host: host.host, port: host.port, certificateNames }),
            ),
        )),
      );
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
    await Promise.all(servers.map((server) => server.close()));
    return;
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'stats') {
      process.stdout.write(
        `${JSON.stringify({ connections, peakOpen, peakOpenPerHost } satisfies FleetStats)}\n`,
      );
      peakOpen = open;
      peakOpenPerHost = 0;
    }
  }
  await Promise.all(servers.map((server) => server.close()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await serveFleet(JSON.parse(process.argv[2]!) as FleetHost[]);
  process.exit(0);
}
