import { ExitCode, UsageError } from '../errors.js';
import type { CommandSpec } from '../spec.js';

/** Hex with at least `digits` digits, as the sources print code points. */
function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

export const clientsCommand: CommandSpec = {
  name: 'clients',
  summary: 'list the client profiles (Windows, Windows Server, FreeRDP, Windows App) a verdict can speak for',
  description:
    'Each profile holds what one client release offers by default: TLS versions, cipher suites in order,\n' +
    'groups, signature algorithms, the security protocols it requests, the error it shows on a TLS failure,\n' +
    'its sources and what is assumed. Give a profile id to see that one in full.',
  arguments: [{ name: 'profile', description: 'show only this profile, in full', required: false }],
  options: [
    { name: 'verbose', short: 'v', description: 'add cipher suites by name, sources and assumptions' },
  ],
  json: true,
  examples: [
    'rdp-doctor clients',
    'rdp-doctor clients windows-7-sp1',
    'rdp-doctor clients --json | jq ".profiles[].id"',
  ],
  async run(context, args, options) {
    const [clients, { protocolNames }] = await Promise.all([
      import('../../data/clients/index.js'),
      import('../../wire/rdp-neg.js'),
    ]);
    const { io, colors } = context;
    const wanted = args[0];
    const profiles = wanted === undefined ? clients.CLIENT_PROFILES : [clients.findClientProfile(wanted)];
    if (profiles[0] === undefined) {
      throw new UsageError(`unknown client profile '${wanted}' (see 'rdp-doctor clients' for the list)`);
    }
    const shown = profiles as readonly NonNullable<(typeof profiles)[number]>[];
    if (context.json) {
      io.stdout(`${JSON.stringify({ dataVersion: clients.DATA_VERSION, profiles: shown }, null, 2)}\n`);
      return ExitCode.OK;
    }
    const requested = (mask: number): string => `${hex(mask, 2)} ${protocolNames(mask).join('|')}`;
    const rows = shown.map((profile) => [
      profile.id,
      `${profile.product} ${profile.release}`,
      profile.tls.versions.join(' '),
      String(profile.tls.cipherSuites.length + profile.tls.tls13CipherSuites.length),
      requested(profile.security.requestedProtocols),
      profile.current ? 'yes' : 'no',
      profile.confidence,
    ]);
    const header = [
      'ID',
      'PRODUCT / RELEASE',
      'TLS ON BY DEFAULT',
      'SUITES',
      'REQUESTS',
      'CURRENT',
      'CONFIDENCE',
    ];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]!.length)),
    );
    const pad = (cells: readonly string[]): string[] =>
      cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)));
    const table = rows.map((row) => {
      const cells = pad(row);
      cells[0] = colors.bold(cells[0]!);
      return cells.join('  ');
    });
    io.stdout(`${[pad(header).join('  '), ...table].join('\n')}\n`);
    if (!options.verbose && wanted === undefined) {
      io.stdout(
        colors.dim(
          `\nProfiles as of ${clients.DATA_VERSION.date}. Details: rdp-doctor clients <id> or --verbose.\n`,
        ),
      );
      return ExitCode.OK;
    }
    const [{ cipherSuiteName }, { namedGroupName }, { signatureSchemeName }] = await Promise.all([
      import('../../data/tls-cipher-suites.js'),
      import('../../data/tls-groups.js'),
      import('../../data/tls-signature-schemes.js'),
    ]);
    for (const profile of shown) {
      const { tls, security, errors } = profile;
      const out: string[] = [
        '',
        colors.bold(`${profile.id}: ${profile.product} ${profile.release}`),
        `  TLS on by default: ${tls.versions.join(', ')}; supported but off: ${tls.supportedButDisabled.join(', ') || 'none'}`,
      ];
      if (tls.tls13CipherSuites.length > 0) {
        out.push(
          '  TLS 1.3 suites:',
          ...tls.tls13CipherSuites.map((code) => `    ${hex(code, 4)} ${cipherSuiteName(code)}`),
        );
      }
      out.push(
        '  Cipher suites (in order):',
        ...tls.cipherSuites.map((code) => `    ${hex(code, 4)} ${cipherSuiteName(code)}`),
      );
      out.push(`  Groups: ${tls.groups.map(namedGroupName).join(', ')}`);
      out.push(
        `  Signature algorithms: ${tls.signatureAlgorithms.map(signatureSchemeName).join(', ') || 'none sent'}`,
      );
      out.push(
        `  Requests ${requested(security.requestedProtocols)}; CredSSP version ${security.credsspVersion}; ` +
          `falls back to Standard RDP Security: ${security.acceptsStandardRdpSecurity ? 'yes' : 'no'}` +
          (security.encryptionOracle ? `; encryption oracle: ${security.encryptionOracle}` : ''),
      );
      const failure = errors.tlsFailure;
      const code = [
        failure.code === undefined ? '' : `${failure.name ?? 'code'} ${hex(failure.code, 3)}`,
        failure.extended === undefined ? '' : `extended ${hex(failure.extended, 1)}`,
      ].filter(Boolean);
      out.push(`  On a TLS failure it shows: "${failure.text}"${code.length ? ` (${code.join(', ')})` : ''}`);
      out.push(
        `  Current: ${profile.current ? 'yes' : 'no'}${profile.endOfSupport ? ` (support ends ${profile.endOfSupport})` : ''}; confidence: ${profile.confidence}`,
      );
      for (const note of profile.notes) out.push(`  Note: ${note}`);
      for (const assumption of profile.assumptions) out.push(colors.dim(`  Assumed: ${assumption}`));
      for (const source of profile.sources) out.push(colors.dim(`  Source: ${source.ref} (${source.note})`));
      io.stdout(`${out.join('\n')}\n`);
    }
    return ExitCode.OK;
  },
};
