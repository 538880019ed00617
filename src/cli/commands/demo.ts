import { ExitCode } from '../errors.js';
import type { CommandSpec } from '../spec.js';
import { parseMilliseconds } from '../validate.js';
import { VERSION } from '../version.js';

/**
 * Scenarios the demo plays: one healthy server and the failures admins meet most often.
 * Each runs on its own free port on 127.0.0.1 (portable: macOS and Windows have 127.0.0.1 at least).
 */
export const DEMO_SCENARIOS: readonly string[] = [
  'healthy-tls',
  'tls10-only',
  'tls-cert-expired',
  'tls-handshake-aborted',
  'neg-failure-5',
  'standard-rdp-only',
  'server-denied-connection',
  'errinfo-license-no-license-server',
  'closes-immediately',
  'http',
];

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'start lab servers on loopback and diagnose each: see rdp-doctor work with no server of your own',
  description:
    'Starts a handful of `rdp-doctor lab` scenarios on 127.0.0.1 (free ports), runs a full diagnosis\n' +
    'against each, prints what it found, and stops them. Nothing leaves this machine.',
  arguments: [],
  options: [
    {
      name: 'timeout',
      short: 't',
      value: 'MS',
      description: 'wait at most MS milliseconds for each step',
      defaultValue: 2000,
      parse: (raw) => parseMilliseconds(raw, '--timeout'),
    },
    { name: 'verbose', short: 'v', description: 'show every finding with its fixes and scripts' },
  ],
  json: true,
  examples: ['rdp-doctor demo', 'rdp-doctor demo --json | jq ".[].verdict"'],
  async run(context, _args, options) {
    const [{ startLabServer }, { findScenario }, { diagnose }, text] = await Promise.all([
      import('../../lab/server.js'),
      import('../../lab/scenarios.js'),
      import('../../diagnosis.js'),
      import('../../report/diagnose-text.js'),
    ]);
    const { colors } = context;
    const documents: unknown[] = [];
    let missed = 0;
    for (const id of DEMO_SCENARIOS) {
      const scenario = findScenario(id)!;
      const server = await startLabServer(scenario, { host: '127.0.0.1', port: 0 });
      try {
        const diagnosis = await diagnose(
          { host: server.host, port: server.port },
          { timeoutMs: options.timeout as number, version: VERSION, expectedName: 'localhost' },
        );
        const document = diagnosis.document;
        const ids = document.findings.map((finding) => finding.id);
        const expected = scenario.expectedFinding;
        const caught =
          expected === null
            ? !ids.some((_, i) => document.findings[i]!.severity === 'error')
            : ids.includes(expected);
        if (!caught) missed++;
        documents.push({
          scenario: { id: scenario.id, title: scenario.title, expectedFinding: expected },
          caught,
          ...document,
        });
        if (!context.json) {
          context.io.stdout(`${colors.bold(`== lab scenario ${scenario.id}`)}: ${scenario.reproduces}\n`);
          if (options.verbose) {
            context.io.stdout(text.renderDiagnoseText(document, { verbose: true, colors }));
          } else {
            context.io.stdout(`   ${document.verdict}\n`);
            const shown = document.findings.filter((finding) => finding.severity !== 'info');
            for (const finding of shown) {
              context.io.stdout(`   ${finding.severity.padEnd(7)} ${finding.id}: ${finding.title}\n`);
              if (finding.fixes[0])
                context.io.stdout(colors.dim(`           top fix: ${finding.fixes[0].title}\n`));
            }
          }
          context.io.stdout('\n');
        }
      } finally {
        await server.close();
      }
    }
    if (context.json) context.io.stdout(`${JSON.stringify(documents, null, 2)}\n`);
    else {
      context.io.stdout(
        `Diagnosed ${DEMO_SCENARIOS.length} lab scenarios. Try one yourself: rdp-doctor lab tls10-only --listen 127.0.0.1:3390\n` +
          'then: rdp-doctor diagnose 127.0.0.1:3390 --verbose\n',
      );
    }
    // The demo is healthy when every planted fault was named (and the healthy server passed).
    return missed === 0 ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
  },
};
