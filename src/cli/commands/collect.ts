import { ExitCode, UsageError } from '../errors.js';
import type { CommandSpec } from '../spec.js';
import { VERSION } from '../version.js';
import { renderInstructions, writeScript } from './script-output.js';

const ROLES = ['server', 'client'] as const;

export const collectCommand: CommandSpec = {
  name: 'collect',
  summary: "write the read-only PowerShell script that reads a server's or client's own RDP state",
  description:
    'The script reads what no probe can see: the listener and policy registry values, the Remote Desktop\n' +
    'certificate and its private key, MachineKeys permissions, Schannel and CredSSP settings, firewall rules,\n' +
    'services, logon rights and licensing (server); the RDP client log, CredSSP/TLS client settings and the\n' +
    'cloud sign-in state (client). It changes nothing and collects no secrets. It runs on Windows PowerShell\n' +
    '5.1 and PowerShell 7 and writes one JSON document (docs/collect.md); `rdp-doctor analyze` judges it.',
  arguments: [{ name: 'role', description: 'server or client', required: true }],
  options: [
    {
      name: 'out',
      short: 'o',
      value: 'FILE',
      description:
        "write the script to FILE (default collect-ROLE.ps1; '-' for stdout, nothing else printed)",
    },
    { name: 'force', description: 'overwrite FILE when it exists with other contents' },
  ],
  json: true,
  examples: [
    'rdp-doctor collect server',
    'rdp-doctor collect client --out C:\\Temp\\collect-client.ps1',
    'rdp-doctor collect server --out - > collect-server.ps1',
  ],
  async run(context, args, options) {
    const role = args[0] as (typeof ROLES)[number];
    if (!ROLES.includes(role))
      throw new UsageError(`unknown role '${args[0] ?? ''}': expected server or client`);
    const { collectorScript, collectorInstructions } = await import('../../collect/scripts.js');
    const script = collectorScript(role, VERSION);
    const file = (options.out as string | undefined) ?? `collect-${role}.ps1`;
    if (file === '-') {
      context.io.stdout(script);
      return ExitCode.OK;
    }
    const written = await writeScript(file, script, Boolean(options.force));
    const instructions = collectorInstructions(role, file);
    if (context.json) {
      context.io.stdout(
        `${JSON.stringify({ script: written, role, version: VERSION, run: instructions }, null, 2)}\n`,
      );
      return ExitCode.OK;
    }
    context.io.stdout(
      `Wrote ${written.path} (rdp-doctor ${VERSION} ${role} collector, read-only, ${written.bytes} bytes, sha256 ${written.sha256}).\n\n` +
        renderInstructions(instructions, context.colors),
    );
    return ExitCode.OK;
  },
};
