import { readFile } from 'node:fs/promises';
import { formatHostPort } from '../../probe/host-port.js';
import { ExitCode, UsageError } from '../errors.js';
import { readFailureReason } from '../file-errors.js';
import { listenError, LOOPBACK, parseListenAddress, untilStopSignal } from '../listen.js';
import type { CommandSpec } from '../spec.js';
import { type HostTarget, parsePositiveInteger } from '../validate.js';
import { VERSION } from '../version.js';

/** The exporter's port by default (blackbox_exporter's is 9115). */
export const DEFAULT_EXPORTER_PORT = 9839;
/**
 * Probes at once by default: a full probe keeps up to 4 connections open for a few seconds, so
 * 16 cover hundreds of targets scraped every minute without being a flood to anyone.
 */
export const DEFAULT_MAX_PROBES = 16;

export const exporterCommand: CommandSpec = {
  name: 'exporter',
  summary: 'serve RDP probes to Prometheus, as blackbox_exporter does (GET /probe?target=HOST)',
  description:
    'Listens for scrapes: /probe?target=host[:port]&module=NAME runs one diagnosis (no credentials,\n' +
    'ever) and answers with its metrics (probe_success, certificate expiry, TLS versions, NLA,\n' +
    "findings, client profiles); add &debug=true for its log. /metrics has the exporter's own\n" +
    'metrics, / the recent probes. Modules (timeout, quick or full, the certificate name to\n' +
    'expect, the client profile) come from --config; without it: rdp_full (the default) and\n' +
    "rdp_quick. Only loopback and what --allow-target or the config's allow_targets name may be\n" +
    'probed (CIDRs, addresses, host name globs where * matches any characters, dots included).\n' +
    'Probes of one host never overlap. Stops on Ctrl+C (SIGINT) or SIGTERM.',
  arguments: [],
  options: [
    {
      name: 'config',
      value: 'FILE',
      description: 'read modules and allow_targets from FILE (YAML; see examples/prometheus/rdp-doctor.yml)',
    },
    {
      name: 'listen',
      value: 'ADDR:PORT',
      description: `listen on ADDR:PORT (default: ${LOOPBACK}:${DEFAULT_EXPORTER_PORT}; a bare PORT listens on ${LOOPBACK})`,
      parse: (raw: string) => parseListenAddress(raw, DEFAULT_EXPORTER_PORT),
    },
    {
      name: 'allow-target',
      value: 'PATTERN',
      description:
        'probe targets matching PATTERN besides loopback: a CIDR, an address or a host name glob (repeatable)',
      repeatable: true,
    },
    {
      name: 'max-probes',
      value: 'N',
      description: 'run at most N probes at once across all targets',
      defaultValue: DEFAULT_MAX_PROBES,
      parse: (raw) => parsePositiveInteger(raw, '--max-probes', 1024),
    },
  ],
  examples: [
    'rdp-doctor exporter',
    'rdp-doctor exporter --config /etc/rdp-doctor/exporter.yml --listen 0.0.0.0:9839',
    'rdp-doctor exporter --allow-target 10.20.0.0/16 --allow-target "*.corp.example"',
    'curl "http://127.0.0.1:9839/probe?target=rdp01.corp.example&module=rdp_quick"',
  ],
  async run({ io }, _args, options) {
    const [
      { DEFAULT_MODULES, ExporterConfigError, parseExporterConfig },
      { AllowPatternError, LOOPBACK_ALLOWED, TargetAllowList },
      { startExporter },
    ] = await Promise.all([
      import('../../exporter/modules.js'),
      import('../../exporter/allow.js'),
      import('../../exporter/server.js'),
    ]);
    let config = { modules: DEFAULT_MODULES, allowTargets: [] as readonly string[] };
    const configPath = options.config as string | undefined;
    if (configPath !== undefined) {
      let text: string;
      try {
        text = await readFile(configPath, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${configPath}: ${readFailureReason(error)}`);
      }
      try {
        config = parseExporterConfig(text, configPath);
      } catch (error) {
        if (error instanceof ExporterConfigError) throw new UsageError(error.message);
        throw error;
      }
    }
    let allow: InstanceType<typeof TargetAllowList>;
    try {
      allow = new TargetAllowList([
        ...LOOPBACK_ALLOWED,
        ...config.allowTargets,
        ...((options.allowTarget as string[] | undefined) ?? []),
      ]);
    } catch (error) {
      if (error instanceof AllowPatternError) throw new UsageError(error.message);
      throw error;
    }
    const listen = (options.listen as HostTarget | undefined) ?? {
      host: LOOPBACK,
      port: DEFAULT_EXPORTER_PORT,
    };
    const stopped = untilStopSignal();
    let exporter: Awaited<ReturnType<typeof startExporter>>;
    try {
      exporter = await startExporter({
        host: listen.host,
        port: listen.port,
        modules: config.modules,
        allow,
        maxProbes: options.maxProbes as number,
        version: VERSION,
      });
    } catch (error) {
      throw listenError(error, listen);
    }
    io.stderr(
      `rdp-doctor exporter listening on ${exporter.url} (modules: ${[...config.modules.keys()].join(', ')}; ` +
        `allowed: ${allow.patterns.join(', ')})\n`,
    );
    const signal = await stopped;
    await exporter.close();
    io.stderr(
      `rdp-doctor exporter: stopped on ${signal} (${formatHostPort(exporter.host, exporter.port)})\n`,
    );
    return ExitCode.OK;
  },
};
