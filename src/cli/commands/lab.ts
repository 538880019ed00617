import { findScenario, LAB_SCENARIOS, type LabScenario } from '../../lab/scenarios.js';
import type { LabServer } from '../../lab/server.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CommandContext, CommandSpec } from '../spec.js';
import { formatHostPort } from '../../probe/host-port.js';
import { listenError, LOOPBACK, parseListenAddress, untilStopSignal } from '../listen.js';
import { DEFAULT_RDP_PORT, type HostTarget } from '../validate.js';

const DEFAULT_LISTEN = `${LOOPBACK}:3389`;

function scenarioJson(scenario: LabScenario): Record<string, unknown> {
  return {
    id: scenario.id,
    title: scenario.title,
    reproduces: scenario.reproduces,
    expectedFinding: scenario.expectedFinding,
    clientError: scenario.clientError,
  };
}

function listScenarios({ io, json, colors }: CommandContext): number {
  if (json) {
    io.stdout(`${JSON.stringify({ scenarios: LAB_SCENARIOS.map(scenarioJson) }, null, 2)}\n`);
    return ExitCode.OK;
  }
  const idWidth = Math.max(...LAB_SCENARIOS.map((scenario) => scenario.id.length));
  const findingWidth = Math.max(...LAB_SCENARIOS.map((scenario) => (scenario.expectedFinding ?? '-').length));
  const header = `${'SCENARIO'.padEnd(idWidth)}  ${'EXPECTED FINDING'.padEnd(findingWidth)}  TITLE`;
  const rows = LAB_SCENARIOS.map(
    (scenario) =>
      `${colors.bold(scenario.id.padEnd(idWidth))}  ${(scenario.expectedFinding ?? '-').padEnd(findingWidth)}  ${scenario.title}`,
  );
  io.stdout(`${[header, ...rows].join('\n')}\n`);
  return ExitCode.OK;
}

async function runScenario(
  context: CommandContext,
  scenario: LabScenario,
  target: HostTarget,
): Promise<number> {
  const { io, json } = context;
  // The server (and its certificate libraries) load only when a scenario runs.
  const { startLabServer } = await import('../../lab/server.js');
  let server: LabServer;
  try {
    server = await startLabServer(scenario, target);
  } catch (error) {
    throw listenError(error, target);
  }
  // INVARIANT: the signal handlers are in place before anything says the lab is ready.
  const stopped = untilStopSignal();
  const address = formatHostPort(server.host, server.port);
  if (json) {
    io.stdout(
      `${JSON.stringify({ listening: { host: server.host, port: server.port }, scenario: scenarioJson(scenario) })}\n`,
    );
  } else {
    io.stdout(
      `rdp-doctor lab: scenario ${scenario.id} (${scenario.title}) listening on ${address}\n` +
        `  reproduces: ${scenario.reproduces}\n` +
        `  expected finding: ${scenario.expectedFinding ?? 'none (healthy)'}\n` +
        `  try: rdp-doctor diagnose ${address}   or   xfreerdp /v:${address} /cert:ignore\n` +
        'Press Ctrl+C to stop.\n',
    );
  }
  const signal = await stopped;
  await server.close();
  const { stats } = server;
  io.stderr(
    `rdp-doctor lab: stopped on ${signal}: ${stats.connections} connection(s), ${stats.x224Requests} X.224 request(s), ` +
      `${stats.tlsClientHellos} ClientHello(s), ${stats.handshakesCompleted} TLS handshake(s)\n`,
  );
  return ExitCode.OK;
}

export const labCommand: CommandSpec = {
  name: 'lab',
  summary: 'run a fake RDP server that reproduces one failure, to try rdp-doctor or a client against',
  description:
    'Plays one scenario from the lab catalogue on a local address until Ctrl+C (SIGINT) or SIGTERM.\n' +
    'Use --list to see every scenario with the finding rdp-doctor should raise against it.',
  arguments: [{ name: 'scenario', description: 'scenario id (see --list)', required: false }],
  options: [
    {
      name: 'listen',
      value: 'ADDR:PORT',
      description: `listen on ADDR:PORT; ADDR alone uses port 3389, a bare PORT listens on ${LOOPBACK} (default: ${DEFAULT_LISTEN})`,
      parse: (raw: string) => parseListenAddress(raw, DEFAULT_RDP_PORT),
    },
    { name: 'list', description: 'list the scenarios and exit' },
  ],
  examples: ['rdp-doctor lab --list', 'rdp-doctor lab tls10-only --listen 127.0.0.2:3389'],
  json: true,
  async run(context, args, options) {
    const [scenarioId] = args;
    if (options.list) {
      if (scenarioId !== undefined) throw new UsageError('give either a scenario or --list, not both');
      return listScenarios(context);
    }
    if (scenarioId === undefined) throw new UsageError("missing scenario: see 'rdp-doctor lab --list'");
    const scenario = findScenario(scenarioId);
    if (!scenario) throw new UsageError(`unknown scenario '${scenarioId}': see 'rdp-doctor lab --list'`);
    const target =
      (options.listen as HostTarget | undefined) ?? parseListenAddress(DEFAULT_LISTEN, DEFAULT_RDP_PORT);
    return runScenario(context, scenario, target);
  },
};
