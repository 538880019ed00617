/**
 * The exporter: blackbox_exporter's multi-target pattern for RDP, so a Prometheus that already
 * probes with blackbox takes it with the same relabelling.
 *
 *   GET /probe?target=host[:port]&module=NAME[&debug=true]   one diagnosis, as metrics (or its log)
 *   GET /metrics                                             the exporter's own metrics
 *   GET /                                                    modules and the recent probes
 *   GET /logs?id=N                                           one recent probe's log
 *
 * Prometheus schedules and keeps the history; this only answers scrapes. Probes share one pool
 * (src/fleet/pool.ts): probes of one host never overlap and the running probes are capped, so
 * many Prometheus servers scraping at once cannot turn it into a flood.
 */
import http from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import picocolors from 'picocolors';
import { parseHostPort } from '../cli/validate.js';
import { hostFactsOf } from '../fleet/host-facts.js';
import { ProbePool } from '../fleet/pool.js';
import type { FleetResult, FleetTarget } from '../fleet/types.js';
import { formatHostPort } from '../probe/host-port.js';
import { MAX_CONNECTIONS_PER_HOST } from '../probe/run-probe.js';
import type { TargetAllowList } from './allow.js';
import { probeMetricsText } from './metrics.js';
import { DEFAULT_MODULE, type ExporterModule } from './modules.js';
import { renderIndexPage, type RecentProbe } from './page.js';

export interface ExporterOptions {
  readonly host: string;
  readonly port: number;
  readonly modules: ReadonlyMap<string, ExporterModule>;
  readonly allow: TargetAllowList;
  /** Probes running at once, at most, across every target. */
  readonly maxProbes: number;
  readonly version: string;
}

export interface RunningExporter {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** As blackbox_exporter: a probe ends this long before Prometheus gives up on the scrape. */
export const SCRAPE_TIMEOUT_OFFSET_MS = 500;
/** The shortest probe a scrape timeout can leave (a shorter one could not even connect). */
const MIN_PROBE_MS = 250;
/** Probes waiting for a slot, at most, per running probe allowed: beyond it, 503. */
const QUEUE_PER_SLOT = 4;
const RECENT_PROBES = 100;
const PLAIN = picocolors.createColors(false);

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly reason: 'bad_request' | 'not_allowed' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

/** The probe's time: the module's, cut to what the scrape's own timeout leaves (its header). */
export function effectiveTimeoutMs(module: ExporterModule, scrapeTimeoutHeader: string | undefined): number {
  const seconds = scrapeTimeoutHeader === undefined ? NaN : Number(scrapeTimeoutHeader);
  if (!Number.isFinite(seconds) || seconds <= 0) return module.timeoutMs;
  return Math.max(MIN_PROBE_MS, Math.min(module.timeoutMs, seconds * 1000 - SCRAPE_TIMEOUT_OFFSET_MS));
}

export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const { modules, allow, version } = options;
  const pool = new ProbePool({
    maxProbes: options.maxProbes,
    maxSockets: options.maxProbes * MAX_CONNECTIONS_PER_HOST,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const probesTotal = new Counter({
    name: 'rdp_doctor_exporter_probes_total',
    help: 'Probes run, by module and result (success, failure, no_verdict)',
    labelNames: ['module', 'result'],
    registers: [registry],
  });
  const probeErrors = new Counter({
    name: 'rdp_doctor_exporter_probe_errors_total',
    help: "Probes that ended in rdp-doctor's own error (a bug to report), by module",
    labelNames: ['module'],
    registers: [registry],
  });
  const probeDuration = new Histogram({
    name: 'rdp_doctor_exporter_probe_duration_seconds',
    help: 'How long probes took, by module',
    labelNames: ['module'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'rdp_doctor_exporter_probes_running',
    help: 'Probes running now (including ones past their scrape, until their own timeouts end them)',
    registers: [registry],
    collect() {
      this.set(pool.running);
    },
  });
  const rejected = new Counter({
    name: 'rdp_doctor_exporter_requests_rejected_total',
    help: 'Probe requests refused, by reason (bad_request, not_allowed, busy)',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const module of modules.keys()) {
    for (const result of ['success', 'failure', 'no_verdict']) probesTotal.inc({ module, result }, 0);
    probeErrors.inc({ module }, 0);
  }
  for (const reason of ['bad_request', 'not_allowed', 'busy']) rejected.inc({ reason }, 0);

  const recent: RecentProbe[] = [];
  let nextId = 1;
  const defaultModule = modules.has(DEFAULT_MODULE) ? DEFAULT_MODULE : [...modules.keys()][0]!;

  function requestedProbe(url: URL): { target: FleetTarget; module: ExporterModule } {
    const rawTarget = url.searchParams.get('target');
    if (rawTarget === null || rawTarget.trim() === '')
      throw new RequestError(
        400,
        'bad_request',
        "missing parameter 'target' (e.g. /probe?target=rdp01.corp.example:3389&module=rdp_full)",
      );
    const moduleName = url.searchParams.get('module') ?? defaultModule;
    const module = modules.get(moduleName);
    if (!module)
      throw new RequestError(
        400,
        'bad_request',
        `unknown module '${moduleName}' (modules: ${[...modules.keys()].join(', ')})`,
      );
    let target: FleetTarget;
    try {
      target = parseHostPort(rawTarget);
    } catch (error) {
      throw new RequestError(400, 'bad_request', (error as Error).message);
    }
    if (!allow.allows(target.host))
      throw new RequestError(
        403,
        'not_allowed',
        `target '${target.host}' is not allowed: add it with --allow-target or allow_targets in the config (allowed: ${allow.patterns.join(', ')})`,
      );
    if (pool.queued >= options.maxProbes * QUEUE_PER_SLOT)
      throw new RequestError(503, 'busy', `busy: ${pool.running} probes running and ${pool.queued} waiting`);
    return { target, module };
  }

  /** Runs one probe, never longer than `timeoutMs` from now (a wait for its host included). */
  async function probe(target: FleetTarget, module: ExporterModule, timeoutMs: number): Promise<FleetResult> {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<FleetResult>((resolve) => {
      timer = setTimeout(() => {
        // A probe still queued behind an earlier one of the same host is withdrawn.
        controller.abort();
        resolve({
          kind: 'deadline',
          target,
          ms: Math.round(performance.now() - started),
          message: `no verdict within ${timeoutMs} ms`,
          startedAt,
        });
      }, timeoutMs);
    });
    const probed = pool
      .probe(
        target,
        {
          timeoutMs: Math.min(module.stepTimeoutMs, timeoutMs),
          deadlineMs: timeoutMs,
          quick: module.quick,
          version,
          ...(module.expectedName ? { expectedName: module.expectedName } : {}),
          ...(module.client ? { client: module.client } : {}),
        },
        controller.signal,
      )
      .then((result) => result ?? outOfTime);
    try {
      return await Promise.race([probed, outOfTime]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function handleProbe(request: http.IncomingMessage, url: URL): Promise<[number, string, string]> {
    const { target, module } = requestedProbe(url);
    const header = request.headers['x-prometheus-scrape-timeout-seconds'];
    const timeoutMs = effectiveTimeoutMs(module, Array.isArray(header) ? header[0] : header);
    const result = await probe(target, module, timeoutMs);
    const facts = hostFactsOf(result);
    const verdictAvailable = result.kind === 'diagnosed';
    const metrics = await probeMetricsText(facts, verdictAvailable);
    probesTotal.inc({
      module: module.name,
      result: verdictAvailable ? (facts.success ? 'success' : 'failure') : 'no_verdict',
    });
    if (result.kind === 'error') probeErrors.inc({ module: module.name });
    probeDuration.observe({ module: module.name }, facts.durationMs / 1000);
    const log = await probeLog(result, module, timeoutMs, metrics);
    recent.push({
      id: nextId++,
      at: new Date(),
      target: formatHostPort(target.host, target.port),
      module: module.name,
      success: facts.success,
      verdictAvailable,
      durationMs: facts.durationMs,
      verdict: facts.verdict,
      log,
    });
    if (recent.length > RECENT_PROBES) recent.shift();
    if (url.searchParams.get('debug') === 'true') return [200, 'text/plain; charset=utf-8', log];
    return [200, registry.contentType, metrics];
  }

  async function route(request: http.IncomingMessage): Promise<[number, string, string]> {
    const url = new URL(request.url ?? '/', 'http://exporter');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return [405, 'text/plain; charset=utf-8', `method ${request.method} not allowed: use GET\n`];
    switch (url.pathname) {
      case '/probe':
        return handleProbe(request, url);
      case '/metrics':
        return [200, registry.contentType, await registry.metrics()];
      case '/':
        return [
          200,
          'text/html; charset=utf-8',
          renderIndexPage(version, [...modules.values()], allow.patterns, recent),
        ];
      case '/logs': {
        const id = Number(url.searchParams.get('id'));
        const entry = recent.find((probe) => probe.id === id);
        return entry
          ? [200, 'text/plain; charset=utf-8', entry.log]
          : [404, 'text/plain; charset=utf-8', `no recent probe with id '${url.searchParams.get('id')}'\n`];
      }
      case '/-/healthy':
        return [200, 'text/plain; charset=utf-8', 'OK\n'];
      default:
        return [
          404,
          'text/plain; charset=utf-8',
          `no such page: ${url.pathname} (try /probe, /metrics or /)\n`,
        ];
    }
  }

  const server = http.createServer((request, response) => {
    route(request)
      .catch((error: unknown) => {
        if (error instanceof RequestError) {
          rejected.inc({ reason: error.reason });
          return [error.status, 'text/plain; charset=utf-8', `${error.message}\n`] as [
            number,
            string,
            string,
          ];
        }
        const message = error instanceof Error ? error.message : String(error);
        return [500, 'text/plain; charset=utf-8', `internal error: ${message}\n`] as [number, string, string];
      })
      .then(([status, type, body]) => {
        response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
        response.end(request.method === 'HEAD' ? undefined : body);
      });
  });
  // A scraper that connects and says nothing must not hold a socket for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10 * 60_000;
  server.maxConnections = 1024;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as { address: string; port: number };
  return {
    host: address.address,
    port: address.port,
    url: `http://${formatHostPort(address.address, address.port)}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What `debug=true` and the front page's links show: the diagnosis as text, then the series. */
async function probeLog(
  result: FleetResult,
  module: ExporterModule,
  timeoutMs: number,
  metrics: string,
): Promise<string> {
  const head = `Module ${module.name} (${module.quick ? 'quick' : 'full'}), timeout ${timeoutMs} ms\n\n`;
  let body: string;
  if (result.kind === 'diagnosed') {
    const { renderDiagnoseText } = await import('../report/diagnose-text.js');
    body = renderDiagnoseText(result.document, { verbose: true, colors: PLAIN });
  } else {
    body = `No verdict for ${formatHostPort(result.target.host, result.target.port)}: ${result.message}\n`;
  }
  return `${head}${body}\nMetrics that would have been returned:\n${metrics}`;
}
