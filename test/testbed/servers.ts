import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificateProfile, labCertificate } from '../../src/lab/certificates.js';
import type { LabStats } from '../../src/lab/server.js';
import { startLabServer } from '../../src/lab/server.js';
import {
  makeWorkDir,
  onProcessExit,
  type RunningServer,
  removeDir,
  startProcess,
  tail,
  waitForPort,
} from './process.js';

const RDP_PORT = 3389;
const XRDP_INI = '/etc/xrdp/xrdp.ini';

// --- xrdp ------------------------------------------------------------------------------------

export interface XrdpOptions {
  readonly address: string;
  readonly securityLayer?: 'negotiate' | 'tls' | 'rdp';
  readonly cryptLevel?: 'none' | 'low' | 'medium' | 'high' | 'fips';
  /** xrdp's list, e.g. 'TLSv1' or 'TLSv1.2, TLSv1.3'. */
  readonly sslProtocols?: string;
  /** OpenSSL cipher string; TLS 1.0/1.1 need 'DEFAULT@SECLEVEL=0'. */
  readonly tlsCiphers?: string;
  /** PEM paths; when absent a certificate of `certificateProfile` (default good) is made for the address. */
  readonly certificate?: string;
  readonly key?: string;
  readonly certificateProfile?: CertificateProfile;
  /** xrdp's own default is one process per connection (true); false keeps every connection in one process. */
  readonly fork?: boolean;
  /** Default DEBUG, so a failing test has the log it needs; INFO is xrdp's shipped level. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  /** More [Globals] lines, applied last (e.g. the lines of a fix under test). */
  readonly globals?: Readonly<Record<string, string>>;
}

/**
 * Sets `key=value` in one ini section, replacing an active line or adding one right after the
 * section header. INVARIANT: keys land inside their section (xrdp ignores tls_ciphers elsewhere).
 */
export function setIniValues(
  text: string,
  section: string,
  values: Readonly<Record<string, string>>,
): string {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.trim() === `[${section}]`);
  if (header < 0) throw new Error(`ini has no [${section}] section`);
  let end = lines.findIndex((line, index) => index > header && /^\s*\[/.test(line));
  if (end < 0) end = lines.length;
  const missing: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const index = lines.findIndex(
      (line, at) => at > header && at < end && new RegExp(`^\\s*${key}\\s*=`).test(line),
    );
    if (index >= 0) lines[index] = `${key}=${value}`;
    else missing.push(`${key}=${value}`);
  }
  lines.splice(header + 1, 0, ...missing);
  return lines.join('\n');
}

export async function startXrdp(options: XrdpOptions): Promise<RunningServer & { readonly logPath: string }> {
  const dir = makeWorkDir('xrdp');
  const logPath = join(dir, 'xrdp.log');
  let certificatePath = options.certificate;
  let keyPath = options.key;
  if (!certificatePath || !keyPath) {
    const made = await labCertificate(options.certificateProfile ?? 'good', [options.address, 'localhost']);
    certificatePath = join(dir, 'cert.pem');
    keyPath = join(dir, 'key.pem');
    writeFileSync(certificatePath, made.certificatePem);
    writeFileSync(keyPath, made.privateKeyPem, { mode: 0o600 });
  }
  const globals: Record<string, string> = {
    port: `tcp://${options.address}:${RDP_PORT}`,
    fork: options.fork ? 'true' : 'false',
    security_layer: options.securityLayer ?? 'negotiate',
    crypt_level: options.cryptLevel ?? 'high',
    certificate: certificatePath,
    key_file: keyPath,
    ssl_protocols: options.sslProtocols ?? 'TLSv1.2, TLSv1.3',
  };
  if (options.tlsCiphers) globals.tls_ciphers = options.tlsCiphers;
  let ini = setIniValues(readFileSync(XRDP_INI, 'utf8'), 'Globals', globals);
  if (options.globals) ini = setIniValues(ini, 'Globals', options.globals);
  ini = setIniValues(ini, 'Logging', {
    LogFile: logPath,
    EnableSyslog: 'false',
    LogLevel: options.logLevel ?? 'DEBUG',
  });
  const iniPath = join(dir, 'xrdp.ini');
  writeFileSync(iniPath, ini);
  const managed = startProcess('xrdp', ['--nodaemon', '--config', iniPath], {
    logPath: join(dir, 'stdout.log'),
    cwd: dir,
  });
  const unregister = onProcessExit(() => removeDir(dir));
  try {
    await waitForPort(managed, options.address, RDP_PORT, `xrdp on ${options.address}`);
  } catch (error) {
    const detail = existsSync(logPath) ? `\nxrdp.log:\n${tail(logPath)}` : '';
    await managed.stop();
    removeDir(dir);
    unregister();
    throw new Error(`${(error as Error).message}${detail}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    host: options.address,
    port: RDP_PORT,
    logPath,
    stop() {
      stopping ??= managed.stop().then(() => {
        removeDir(dir);
        unregister();
      });
      return stopping;
    },
  };
}

// --- Xvfb ------------------------------------------------------------------------------------

export interface XDisplay {
  /** e.g. ':123' */
  readonly display: string;
  stop(): Promise<void>;
}

const DISPLAY_MIN = 100;
const DISPLAY_MAX = 199;

/** The pid an X server wrote into its lock file (ASCII, right-aligned), if any. */
function lockOwner(number: number): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(`/tmp/.X${number}-lock`, 'latin1').trim(), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function displayInUse(number: number): boolean {
  return existsSync(`/tmp/.X11-unix/X${number}`) || existsSync(`/tmp/.X${number}-lock`);
}

/** An Xvfb on a free display in :100-:199, resolved once its socket exists. */
export async function startXvfb(): Promise<XDisplay> {
  const dir = makeWorkDir('xvfb');
  const offset = Math.floor(Math.random() * (DISPLAY_MAX - DISPLAY_MIN + 1));
  for (let step = 0; step <= DISPLAY_MAX - DISPLAY_MIN; step++) {
    const number = DISPLAY_MIN + ((offset + step) % (DISPLAY_MAX - DISPLAY_MIN + 1));
    if (displayInUse(number)) continue;
    const logPath = join(dir, `xvfb-${number}.log`);
    const managed = startProcess('Xvfb', [`:${number}`, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
      logPath,
    });
    let exited = false;
    void managed.exited.then(() => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    // Ready means our Xvfb owns the display: its socket exists and the lock file names our pid.
    // (Two test processes can start Xvfb on the same number at once; the loser sees the winner's
    // socket before it exits, so the socket alone proves nothing.)
    const ours = (): boolean =>
      existsSync(`/tmp/.X11-unix/X${number}`) && lockOwner(number) === managed.child.pid;
    while (!exited && !ours() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Another process may have taken the display between the check and the start: try the next.
    if (exited || (lockOwner(number) !== undefined && lockOwner(number) !== managed.child.pid)) {
      await managed.stop();
      continue;
    }
    if (!ours()) {
      await managed.stop();
      throw new Error(`Xvfb :${number} did not start within 10 s; log:\n${tail(logPath)}`);
    }
    let stopping: Promise<void> | undefined;
    return {
      display: `:${number}`,
      stop() {
        stopping ??= managed.stop().then(() => removeDir(dir));
        return stopping;
      },
    };
  }
  removeDir(dir);
  throw new Error(`no free X display in :${DISPLAY_MIN}-:${DISPLAY_MAX}`);
}

// --- FreeRDP shadow server -------------------------------------------------------------------

export interface FreerdpShadowOptions {
  readonly address: string;
  readonly sec: 'nla' | 'tls' | 'rdp';
  /** A libfaketime offset such as '-1h': the server's clock (and NTLM timestamp) is off by this much. */
  readonly faketime?: string;
  /**
   * NLA accounts for a winpr SAM file of this server's own (passed with /sam-file, so the
   * machine's /etc/winpr/SAM is never read or written). Lines are `user:domain:LM:NT:::` with
   * the NT hash in hex; give the hash, not the password (tests compute it with MD4).
   */
  readonly samAccounts?: readonly {
    readonly user: string;
    readonly domain?: string;
    readonly ntHashHex: string;
  }[];
}

export async function startFreerdpShadow(
  options: FreerdpShadowOptions,
): Promise<RunningServer & { readonly logPath: string }> {
  // Under a loaded parallel test run the shadow server sometimes cannot open a display that Xvfb
  // has just made ready; that start is retried on a fresh display, any other failure is not.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startFreerdpShadowOnce(options);
    } catch (error) {
      if (attempt >= 5 || !/failed to open display/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function startFreerdpShadowOnce(
  options: FreerdpShadowOptions,
): Promise<RunningServer & { readonly logPath: string }> {
  const display = await startXvfb();
  const dir = makeWorkDir('shadow');
  const logPath = join(dir, 'shadow.log');
  const shadowArgs = [
    `/port:${RDP_PORT}`,
    `/bind-address:${options.address}`,
    `/sec:${options.sec}`,
    options.sec === 'nla' ? '+auth' : '-auth',
  ];
  if (options.samAccounts) {
    const samPath = join(dir, 'SAM');
    const lines = options.samAccounts.map(
      (account) => `${account.user}:${account.domain ?? ''}::${account.ntHashHex}:::`,
    );
    writeFileSync(samPath, `${lines.join('\n')}\n`, { mode: 0o600 });
    shadowArgs.push(`/sam-file:${samPath}`);
  }
  const [command, args] = options.faketime
    ? ['faketime', ['-f', options.faketime, 'freerdp-shadow-cli', ...shadowArgs]]
    : ['freerdp-shadow-cli', shadowArgs];
  // Its own HOME keeps the certificate it generates apart from other instances.
  const env = { ...process.env, DISPLAY: display.display, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') };
  const managed = startProcess(command, args, { logPath, env, cwd: dir });
  const unregister = onProcessExit(() => removeDir(dir));
  const stopAll = async (): Promise<void> => {
    await managed.stop();
    await display.stop();
    removeDir(dir);
    unregister();
  };
  try {
    await waitForPort(managed, options.address, RDP_PORT, `freerdp-shadow-cli on ${options.address}`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    host: options.address,
    port: RDP_PORT,
    logPath,
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

// --- The lab ---------------------------------------------------------------------------------

/** A lab scenario on its own loopback address at port 3389, in this process. */
export async function startLab(
  scenario: string,
  address: string,
): Promise<RunningServer & { readonly stats: Readonly<LabStats> }> {
  const server = await startLabServer(scenario, { host: address, port: RDP_PORT });
  const unregister = onProcessExit(() => void server.close());
  return {
    host: server.host,
    port: server.port,
    stats: server.stats,
    async stop() {
      await server.close();
      unregister();
    },
  };
}
