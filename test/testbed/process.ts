import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What every testbed server hands back. */
export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** Kills the server (its whole process group) and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

/** Runs `cleanup` (synchronously) if the process exits before it is unregistered. */
export function onProcessExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const each of exitCleanups) {
        try {
          each();
        } catch {
          // best effort: the process is going away
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The first missing binary of `names`, as a skip reason, or false when all are present. */
export function missingBinaries(...names: string[]): string | false {
  const missing = names.filter((name) => !hasBinary(name));
  return missing.length > 0 ? `needs ${missing.join(', ')} (apt-get install xrdp freerdp2-x11 ...)` : false;
}

export function makeWorkDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `rdp-doctor-${label}-`));
}

export function tail(path: string, lines = 20): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts a command in its own process group with stdout and stderr to `logPath`, so stop() can kill
 * everything it started (Xvfb children, xrdp helpers) and the process exit hook can too.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { readonly logPath: string; readonly env?: NodeJS.ProcessEnv; readonly cwd?: string },
): ManagedProcess {
  const log = openSync(options.logPath, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  closeSync(log);
  child.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const unregister = onProcessExit(() => killGroup('SIGKILL'));
  let stopping: Promise<void> | undefined;
  return {
    child,
    logPath: options.logPath,
    exited,
    stop() {
      stopping ??= (async () => {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
        // Helpers the leader forked may outlive it; the group goes with it.
        killGroup('SIGKILL');
        unregister();
      })();
      return stopping;
    },
  };
}

/** True once a TCP connection to host:port succeeds. */
export function portAccepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until host:port accepts, failing early if the process exits and after `timeoutMs` at
 * the latest, with the log's tail in the error so a broken start explains itself.
 */
export async function waitForPort(
  managed: ManagedProcess,
  host: string,
  port: number,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void managed.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${what} exited (code ${exitCode}) before ${host}:${port} accepted; log:\n${tail(managed.logPath)}`,
      );
    }
    if (await portAccepts(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await managed.stop();
  throw new Error(
    `${what} did not accept on ${host}:${port} within ${timeoutMs} ms; log:\n${tail(managed.logPath)}`,
  );
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
