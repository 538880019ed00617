#!/usr/bin/env node
/**
 * Hellos and connections of rdp-doctor's TLS posture enumeration next to `sslscan --rdp`, on the
 * same RDP servers (running ones: pass their addresses).
 *
 *   npm run build && node bench/tls-posture.mjs 127.0.0.2[:3389] [more targets] [--json]
 *
 * Each tool talks to the server through a counting relay on its own loopback address, so both are
 * counted the same way: TCP connections, and ClientHellos (the first bytes after the client's
 * X.224 Connection Request that are a TLS handshake record holding a ClientHello). rdp-doctor's
 * numbers are for a full default `diagnose` (posture enumeration and client simulation included).
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'bin.js');
const DIAGNOSIS = join(import.meta.dirname, '..', 'dist', 'src', 'diagnosis.js');
const RDP_PORT = 3389;

/** Relay on a free loopback address counting connections, ClientHellos and peak concurrency. */
async function startCountingRelay(target) {
  const stats = { connections: 0, clientHellos: 0, maxConcurrent: 0 };
  let open = 0;
  const server = net.createServer((client) => {
    stats.connections++;
    open++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, open);
    const upstream = net.connect(target.port, target.host);
    let head = Buffer.alloc(0);
    let classified = false;
    client.on('data', (chunk) => {
      if (!classified) {
        head = Buffer.concat([head, chunk]);
        // TPKT header: version 3, reserved, length (BE); the X.224 request is that long.
        if (head.length >= 4 && head[0] === 3) {
          const requestLength = head.readUInt16BE(2);
          if (head.length >= requestLength + 6) {
            classified = true;
            const record = head.subarray(requestLength);
            if (record[0] === 0x16 && record[1] === 3 && record[5] === 1) stats.clientHellos++;
          }
        } else if (head.length >= 4) {
          classified = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    let closed = false;
    const end = () => {
      if (!closed) {
        closed = true;
        open--;
      }
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const host = `127.${randomInt(128, 192)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const listening = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ host, port: RDP_PORT, exclusive: true }, () => resolve(true));
    });
    if (listening) {
      return {
        host,
        port: RDP_PORT,
        stats,
        close: () => new Promise((resolve) => server.close(() => resolve())),
      };
    }
  }
  throw new Error('no free loopback address for the relay');
}

function run(command, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      resolve({ ms: Math.round(performance.now() - started), stdout, failed: Boolean(error && !stdout) }),
    );
  });
}

async function measure(target) {
  const result = { target: `${target.host}:${target.port}` };
  {
    const relay = await startCountingRelay(target);
    const sslscan = await run('sslscan', ['--rdp', '--no-colour', `${relay.host}:${relay.port}`]);
    result.sslscan = { ms: sslscan.ms, ...relay.stats };
    await relay.close();
  }
  {
    const relay = await startCountingRelay(target);
    const { diagnose } = await import(DIAGNOSIS);
    const started = performance.now();
    const diagnosis = await diagnose({ host: relay.host, port: relay.port });
    const posture = diagnosis.observations.tlsPosture?.observation;
    result.rdpDoctor = {
      ms: Math.round(performance.now() - started),
      ...relay.stats,
      postureHellos: posture?.hellosSent ?? 0,
      postureConnections: posture?.connectionsOpened ?? 0,
      acceptedSuites: posture?.ciphers.length ?? 0,
      versions: posture?.versions.length ?? 0,
      groups: posture?.groups?.length ?? 0,
      clientProfiles: posture?.clients?.length ?? 0,
    };
    await relay.close();
  }
  {
    // The wall time without the relay in the way (the relay adds a hop per connection).
    const direct = await run(process.execPath, [CLI, 'diagnose', `${target.host}:${target.port}`, '--json']);
    const sslscan = await run('sslscan', ['--rdp', '--no-colour', `${target.host}:${target.port}`]);
    result.directMs = { rdpDoctor: direct.ms, sslscan: sslscan.ms };
  }
  return result;
}

function parseTarget(text) {
  const [host, port] = text.split(':');
  return { host, port: port ? Number(port) : RDP_PORT };
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const targets = args.filter((arg) => !arg.startsWith('--')).map(parseTarget);
if (targets.length === 0) {
  console.error(
    'usage: node bench/tls-posture.mjs HOST[:PORT] ... [--json]  (running RDP servers on loopback)',
  );
  process.exit(2);
}
const results = [];
for (const target of targets) results.push(await measure(target));
if (json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const result of results) {
    const { rdpDoctor: ours, sslscan } = result;
    console.log(`${result.target}`);
    console.log(
      `  sslscan --rdp     ${String(sslscan.connections).padStart(4)} connections ${String(sslscan.clientHellos).padStart(4)} hellos  peak ${sslscan.maxConcurrent}  ${result.directMs.sslscan} ms`,
    );
    console.log(
      `  rdp-doctor (all)  ${String(ours.connections).padStart(4)} connections ${String(ours.clientHellos).padStart(4)} hellos  peak ${ours.maxConcurrent}  ${result.directMs.rdpDoctor} ms`,
    );
    console.log(
      `    posture: ${ours.postureHellos} hellos = ${ours.acceptedSuites} accepted suites + ${ours.versions} versions + order checks + ${ours.groups} groups + client hellos (${ours.clientProfiles} profiles)`,
    );
  }
}
process.exit(0);
