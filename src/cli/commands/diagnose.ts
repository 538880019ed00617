import { CLIENT_PROFILE_IDS, findClientProfile } from '../../data/clients/index.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CommandSpec } from '../spec.js';
import { parseHostPort, parseMilliseconds, parsePort } from '../validate.js';
import { VERSION } from '../version.js';

/** DOMAIN\\NAME, NAME@DOMAIN or NAME: checked before anything is sent. */
function parseUserOption(raw: string): string {
  const text = raw.trim();
  if (!text || /[\u0000-\u001f"/[\]:;|=,+*?<>]/.test(text.replace(/^[^\\]*\\/, '')))
    throw new UsageError(`--user '${raw}' is not a user name (DOMAIN\\NAME, NAME@DOMAIN or NAME)`);
  if (text.split('\\').length > 2) throw new UsageError(`--user '${raw}' has more than one backslash`);
  return text;
}

function parseClientProfile(raw: string): string {
  const profile = findClientProfile(raw);
  if (!profile)
    throw new UsageError(`unknown client profile '${raw}'; valid profiles: ${CLIENT_PROFILE_IDS.join(', ')}`);
  return profile.id;
}

export const diagnoseCommand: CommandSpec = {
  name: 'diagnose',
  summary: 'probe an RDP endpoint step by step and say where and why connections fail',
  description:
    'Walks the path a real client takes (DNS, TCP, X.224 negotiation, TLS, certificate, CredSSP,\n' +
    'Standard RDP Security), names the failing step and its cause, and ranks fixes by risk.\n' +
    'Goes on past the security layer to the logon screen where the server allows it (no NLA).\n' +
    'Sends no credentials and makes no logon attempt unless --user is given: then one CredSSP\n' +
    'logon check, the password from RDP_DOCTOR_PASSWORD or a prompt (never the command line).\n' +
    'Opens at most 4 connections at a time.',
  arguments: [
    { name: 'HOST[:PORT]', description: 'host name or IP address, port 3389 unless given', required: true },
  ],
  options: [
    {
      name: 'port',
      short: 'p',
      value: 'PORT',
      description: 'connect to PORT (overrides HOST:PORT)',
      parse: (raw) => parsePort(raw),
    },
    {
      name: 'timeout',
      short: 't',
      value: 'MS',
      description: 'wait at most MS milliseconds for each step',
      defaultValue: 4000,
      parse: (raw) => parseMilliseconds(raw, '--timeout'),
    },
    {
      name: 'name',
      value: 'NAME',
      description: 'check the certificate against NAME, the name clients use (default: HOST)',
    },
    {
      name: 'client',
      value: 'PROFILE',
      description: 'focus the verdict on one client profile (rdp-doctor clients lists them)',
      parse: (raw) => parseClientProfile(raw),
    },
    {
      name: 'evidence',
      short: 'e',
      value: 'FILE',
      description:
        "read FILE too (rdp-doctor collect's .json/.zip, a .reg export, an event log) and join what it proves with the probe",
      repeatable: true,
    },
    {
      name: 'user',
      short: 'u',
      value: '[DOMAIN\\]NAME',
      description:
        'check the logon of NAME too (one attempt: a wrong password counts toward lockout); the password comes from RDP_DOCTOR_PASSWORD or a prompt',
      parse: (raw) => parseUserOption(raw),
    },
    {
      name: 'logon',
      description:
        'log on fully as the --user account, up to the session (leaves a disconnected session on the server)',
    },
    { name: 'quick', description: 'skip the TLS version/cipher enumeration and the client simulation' },
    {
      name: 'verbose',
      short: 'v',
      description: 'show explanations, every fix with its script, and info findings',
    },
  ],
  json: true,
  examples: [
    'rdp-doctor diagnose rdp01.corp.example',
    'rdp-doctor diagnose 10.0.0.5:3390 --name rdp01.corp.example --json',
    'rdp-doctor diagnose rdp01.corp.example --evidence rdp-doctor-server-RDP01-20261201120000.zip',
    'rdp-doctor diagnose rdp01.corp.example --user CORP\\alice',
  ],
  async run(context, args, options) {
    const target = parseHostPort(args[0] ?? '');
    const port = (options.port as number | undefined) ?? target.port;
    const { diagnose, readEvidence } = await import('../../diagnosis.js');
    const evidenceFiles = (options.evidence as string[] | undefined) ?? [];
    // The evidence is read first: bad files are bad input, said before any packet is sent.
    const evidence = evidenceFiles.length > 0 ? await readEvidence(evidenceFiles) : undefined;
    for (const input of evidence?.unreadable ?? []) context.io.stderr(`rdp-doctor: ${input.message}\n`);
    if (evidence && evidence.files.length === 0) return ExitCode.USAGE;
    const expectedName = options.name as string | undefined;
    const client = options.client as string | undefined;
    if (client && options.quick) throw new UsageError('--client needs the TLS simulation that --quick skips');
    const user = options.user as string | undefined;
    if (options.logon && !user) throw new UsageError('--logon needs --user (the account to log on as)');
    // Said before anything is sent or asked for: the check can lock the account out.
    if (user) {
      context.io.stderr(
        `rdp-doctor: logon check as ${user} on ${target.host}: one attempt, never retried. A wrong password counts toward the account's lockout threshold.\n`,
      );
      if (options.logon)
        context.io.stderr(
          'rdp-doctor: --logon creates a session on the server and leaves it disconnected (end it with: logoff ID /server:HOST).\n',
        );
    }
    // Loaded only for the logon check: a plain diagnosis never touches credential code.
    const logonCheck = user
      ? await Promise.all([import('../../probe/credentials.js'), import('../password.js')])
      : undefined;
    const credentials =
      user && logonCheck
        ? logonCheck[0].withPassword(
            logonCheck[0].parseUser(user),
            await logonCheck[1].readPassword(context.io, `Password for ${user}: `),
          )
        : undefined;
    const diagnosis = await diagnose(
      { host: target.host, port },
      {
        timeoutMs: options.timeout as number,
        version: VERSION,
        ...(expectedName ? { expectedName } : {}),
        ...(client ? { client } : {}),
        ...(options.quick ? { quick: true } : {}),
        ...(evidence ? { evidence } : {}),
        ...(credentials ? { session: { credentials, fullLogon: Boolean(options.logon) } } : {}),
      },
    ).finally(() => {
      if (credentials) logonCheck?.[0].wipeCredentials(credentials);
    });
    if (context.json) {
      context.io.stdout(`${JSON.stringify(diagnosis.document, null, 2)}\n`);
    } else {
      const { renderDiagnoseText } = await import('../../report/diagnose-text.js');
      context.io.stdout(
        renderDiagnoseText(diagnosis.document, { verbose: Boolean(options.verbose), colors: context.colors }),
      );
    }
    if (evidence && evidence.unreadable.length > 0) return ExitCode.USAGE;
    if (diagnosis.document.findings.some((finding) => finding.severity === 'error'))
      return ExitCode.PROBLEMS_FOUND;
    // Our own failure on a step every client takes leaves no verdict: never "healthy".
    if (diagnosis.document.incomplete.some((gap) => gap.kind === 'internal-error' && gap.onClientPath))
      return ExitCode.INTERNAL;
    return ExitCode.OK;
  },
};
