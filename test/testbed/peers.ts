import { execFile } from 'node:child_process';
import type { RunningServer } from './process.js';

/** Runs a peer tool and returns everything it printed; its exit code is not the verdict here. */
export function runPeer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
  });
}

/**
 * xfreerdp's auth-only run (a real client's verdict) with the negotiation module at DEBUG, so it
 * names the protocol. The credentials are dummies: the servers under test have no such account.
 */
export function xfreerdpAuthOnly(server: RunningServer, display: string, home: string): Promise<string> {
  return runPeer(
    'xfreerdp',
    [
      `/v:${server.host}:${server.port}`,
      '+auth-only',
      '/u:x',
      '/p:y',
      '/cert:ignore',
      '/log-level:INFO',
      '/log-filters:com.freerdp.core.nego:DEBUG',
    ],
    { ...process.env, DISPLAY: display, HOME: home },
  );
}
