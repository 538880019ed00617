/**
 * What an operator sees: Debian's Prometheus, run with the shipped examples/prometheus/
 * configuration and alert rules, scrapes the built exporter (`rdp-doctor exporter`) for lab
 * servers and real xrdp servers (an expired certificate, TLS 1.0 only) and a closed port; the
 * test asks Prometheus's HTTP API what it holds (probe_success per instance, the certificate
 * expiry, the alerts firing). Debian's blackbox_exporter probes the same targets with its TCP
 * prober beside it, to show what it misses: the TLS 1.0-only servers that Windows 11 refuses look
 * healthy to it, and it sees no certificate at all. Only the test's copy of the rules has shorter
 * `for:` durations and the job a shorter scrape interval. Run `npm run build` first (npm test does).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  addressAllocator,
  hasBinary,
  missingBinaries,
  type RunningServer,
  serverTracker,
  startLab,
  startXrdp,
} from '../testbed/index.js';
import { makeWorkDir, removeDir, startProcess, tail, waitForPort } from '../testbed/process.js';
import { ALERT_RULES, PROMETHEUS_CONFIG } from '../prometheus/shipped.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'bin', 'rdp-doctor.js');
const skip =
  missingBinaries('prometheus', 'prometheus-blackbox-exporter') ||
  (existsSync(bin) ? false : 'needs the built CLI (npm run build)');
/** Real xrdp servers when xrdp is installed; the lab's scenarios always. */
const withXrdp = hasBinary('xrdp');
/** Scrapes every 5 s with a 5 s timeout: a full probe gets 4.5 s, plenty on loopback on 2 cores. */
const SCRAPE_INTERVAL = '5s';
/** Up to several scrapes and rule evaluations on a loaded machine. */
const WAIT_MS = 90_000;

type Role = 'healthy' | 'expired' | 'tls10' | 'closed' | 'xrdp-expired' | 'xrdp-tls10';

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

interface PrometheusAlert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'inactive';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A program of the test's own on loopback, stopped (its whole group) when the file ends. */
async function startDaemon(
  what: string,
  command: string,
  args: string[],
  port: number,
  dir: string,
): Promise<RunningServer & { readonly logPath: string }> {
  const logPath = join(dir, `${what}.log`);
  const managed = startProcess(command, args, { logPath, cwd: dir });
  await waitForPort(managed, '127.0.0.1', port, what, 30_000);
  return { host: '127.0.0.1', port, logPath, stop: () => managed.stop() };
}

describe(
  'Prometheus with the shipped configuration, the exporter and blackbox_exporter',
  { skip, timeout: 300_000 },
  () => {
    const track = serverTracker();
    const dir = makeWorkDir('prometheus');
    /** The instance label of each target (the target as written: address:3389). */
    const instance = new Map<Role, string>();
    let prometheusUrl = '';
    const logs: string[] = [];

    async function api<T>(path: string): Promise<T> {
      const response = await fetch(`${prometheusUrl}${path}`);
      const body = (await response.json()) as { status: string; data: T; error?: string };
      assert.equal(body.status, 'success', `${path}: ${body.error}`);
      return body.data;
    }

    const query = async (expr: string): Promise<Sample[]> =>
      (await api<{ resultType: string; result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`))
        .result;

    /** Polls until `check` passes (it asserts), failing with its last error and the logs' tails. */
    async function eventually(what: string, check: () => Promise<void>): Promise<void> {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        try {
          await check();
          return;
        } catch (error) {
          if (Date.now() > deadline) {
            const tails = logs.map((path) => `--- ${path}\n${tail(path, 15)}`).join('\n');
            throw new Error(`${what} within ${WAIT_MS} ms: ${(error as Error).message}\n${tails}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }

    /** One value per instance of `expr`, for the targets of `job`. */
    async function byRole(expr: string): Promise<Map<Role, string>> {
      const samples = await query(expr);
      const values = new Map<Role, string>();
      for (const [role, name] of instance) {
        const sample = samples.find((each) => each.metric.instance === name);
        if (sample) values.set(role, sample.value[1]);
      }
      return values;
    }

    before(async () => {
      const address = () => addressAllocator.next();
      const lab = async (role: Role, scenario: string) => {
        const server = await track(startLab(scenario, await address()));
        instance.set(role, `${server.host}:${server.port}`);
      };
      const xrdp = async (role: Role, options: Omit<Parameters<typeof startXrdp>[0], 'address'>) => {
        const server = await track(startXrdp({ address: await address(), ...options }));
        instance.set(role, `${server.host}:${server.port}`);
      };
      await Promise.all([
        lab('healthy', 'healthy-tls'),
        lab('expired', 'tls-cert-expired'),
        lab('tls10', 'tls10-only'),
        // Nothing ever listens there: a closed port.
        address().then((closed) => void instance.set('closed', `${closed}:3389`)),
        ...(withXrdp
          ? [
              xrdp('xrdp-expired', { securityLayer: 'tls', certificateProfile: 'expired' }),
              xrdp('xrdp-tls10', {
                securityLayer: 'tls',
                sslProtocols: 'TLSv1',
                tlsCiphers: 'DEFAULT@SECLEVEL=0',
              }),
            ]
          : []),
      ]);
      const [exporterPort, blackboxPort, prometheusPort] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
      ]);

      const exporter = await track(
        startDaemon(
          'exporter',
          process.execPath,
          [bin, 'exporter', '--listen', `127.0.0.1:${exporterPort}`],
          exporterPort,
          dir,
        ),
      );
      logs.push(exporter.logPath);

      const blackboxConfig = join(dir, 'blackbox.yml');
      writeFileSync(
        blackboxConfig,
        stringifyYaml({ modules: { tcp_connect: { prober: 'tcp', timeout: '4s' } } }),
      );
      const blackbox = await track(
        startDaemon(
          'blackbox',
          'prometheus-blackbox-exporter',
          [`--config.file=${blackboxConfig}`, `--web.listen-address=127.0.0.1:${blackboxPort}`],
          blackboxPort,
          dir,
        ),
      );
      logs.push(blackbox.logPath);

      // The shipped rules, with every `for:` a second so the test need not wait minutes.
      const rules = parseYaml(readFileSync(ALERT_RULES, 'utf8')) as {
        groups: { rules: { for?: string }[] }[];
      };
      for (const rule of rules.groups.flatMap((group) => group.rules)) rule.for = '1s';
      const rulesPath = join(dir, 'rdp-doctor-alerts.yml');
      writeFileSync(rulesPath, stringifyYaml(rules));

      // The shipped configuration, pointed at this test's targets and exporter.
      const config = parseYaml(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
        global: Record<string, string>;
        rule_files: string[];
        scrape_configs: {
          job_name: string;
          scrape_interval?: string;
          scrape_timeout?: string;
          params?: Record<string, string[]>;
          static_configs: { targets: string[] }[];
          relabel_configs?: { target_label?: string; replacement?: string }[];
        }[];
      };
      config.global = {
        scrape_interval: SCRAPE_INTERVAL,
        scrape_timeout: SCRAPE_INTERVAL,
        evaluation_interval: '1s',
      };
      config.rule_files = [rulesPath];
      const rdp = config.scrape_configs.find((job) => job.job_name === 'rdp')!;
      const own = config.scrape_configs.find((job) => job.job_name === 'rdp_doctor_exporter')!;
      delete rdp.scrape_interval;
      delete rdp.scrape_timeout;
      rdp.static_configs = [{ targets: [...instance.values()] }];
      const addressRule = rdp.relabel_configs!.find((rule) => rule.target_label === '__address__')!;
      assert.equal(
        addressRule.replacement,
        '127.0.0.1:9839',
        'the shipped job points at the default exporter',
      );
      addressRule.replacement = `127.0.0.1:${exporterPort}`;
      own.static_configs = [{ targets: [`127.0.0.1:${exporterPort}`] }];
      // blackbox_exporter on the same targets, with the same relabelling (its TCP prober).
      const blackboxJob = structuredClone(rdp);
      blackboxJob.job_name = 'blackbox_tcp';
      blackboxJob.params = { module: ['tcp_connect'] };
      blackboxJob.relabel_configs!.find((rule) => rule.target_label === '__address__')!.replacement =
        `127.0.0.1:${blackboxPort}`;
      config.scrape_configs.push(blackboxJob);
      const configPath = join(dir, 'prometheus.yml');
      writeFileSync(configPath, stringifyYaml(config));

      const prometheus = await track(
        startDaemon(
          'prometheus',
          'prometheus',
          [
            `--config.file=${configPath}`,
            `--storage.tsdb.path=${join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${prometheusPort}`,
          ],
          prometheusPort,
          dir,
        ),
      );
      logs.push(prometheus.logPath);
      prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
      await eventually('Prometheus ready', async () => {
        assert.equal((await fetch(`${prometheusUrl}/-/ready`)).status, 200);
      });
      // Every target scraped once, by both exporters, with a verdict from rdp-doctor's.
      await eventually('every target scraped', async () => {
        for (const job of ['rdp', 'blackbox_tcp']) {
          const up = await byRole(`up{job="${job}"}`);
          assert.deepEqual([...up.keys()].sort(), [...instance.keys()].sort(), `${job} targets`);
          assert.ok(
            [...up.values()].every((value) => value === '1'),
            `${job}: up ${JSON.stringify([...up])}`,
          );
        }
        const verdicts = await byRole('rdp_probe_verdict_available{job="rdp"}');
        assert.deepEqual(
          [...instance.keys()].map((role) => [role, verdicts.get(role)]),
          [...instance.keys()].map((role) => [role, '1']),
        );
      });
    });

    after(() => removeDir(dir));

    it('shows probe_success per instance: 1 where a current client connects, 0 where it cannot', async () => {
      const expected: Partial<Record<Role, string>> = {
        healthy: '1',
        // An expired self-signed certificate is a warning: clients still connect.
        expired: '1',
        tls10: '0',
        closed: '0',
        ...(withXrdp ? { 'xrdp-expired': '1', 'xrdp-tls10': '0' } : {}),
      };
      const success = await byRole('probe_success{job="rdp"}');
      assert.deepEqual(Object.fromEntries(success), expected);
    });

    it('shows which certificates have expired (probe_ssl_earliest_cert_expiry < time())', async () => {
      const expiredNow = await byRole('probe_ssl_earliest_cert_expiry{job="rdp"} < time()');
      assert.deepEqual([...expiredNow.keys()].sort(), withXrdp ? ['expired', 'xrdp-expired'] : ['expired']);
      const daysLeft = await byRole('rdp_cert_days_left{job="rdp"}');
      assert.ok(Number(daysLeft.get('expired')) < 0, `days left ${daysLeft.get('expired')}`);
      assert.ok(Number(daysLeft.get('healthy')) > 14, `days left ${daysLeft.get('healthy')}`);
      assert.equal(daysLeft.has('closed'), false, 'no certificate seen, no series');
    });

    it('shows the TLS version each server negotiated and the versions it accepts', async () => {
      const negotiated = await query('probe_tls_version_info{job="rdp"}');
      const versionOf = (role: Role) =>
        negotiated.find((sample) => sample.metric.instance === instance.get(role))?.metric.version;
      assert.equal(versionOf('tls10'), 'TLS 1.0');
      if (withXrdp) assert.equal(versionOf('xrdp-tls10'), 'TLS 1.0');
      assert.match(versionOf('healthy') ?? '', /^TLS 1\.[23]$/);
      const modern = await byRole(
        'max without (version) (rdp_tls_version_accepted{job="rdp",version=~"TLS 1.2|TLS 1.3"})',
      );
      assert.equal(modern.get('tls10'), '0');
      assert.equal(modern.get('healthy'), '1');
    });

    it('fires the expired-certificate, legacy-TLS and failing-probe alerts, for those instances only', async () => {
      const firing = (alerts: PrometheusAlert[], name: string): string[] =>
        alerts
          .filter((alert) => alert.labels.alertname === name && alert.state === 'firing')
          .map((alert) => alert.labels.instance!)
          .sort();
      const rolesOf = (roles: Role[]) =>
        roles
          .filter((role) => instance.has(role))
          .map((role) => instance.get(role)!)
          .sort();
      await eventually('the alerts firing', async () => {
        const { alerts } = await api<{ alerts: PrometheusAlert[] }>('/api/v1/alerts');
        assert.deepEqual(firing(alerts, 'RdpCertificateExpired'), rolesOf(['expired', 'xrdp-expired']));
        assert.deepEqual(firing(alerts, 'RdpLegacyTlsOnly'), rolesOf(['tls10', 'xrdp-tls10']));
        assert.deepEqual(firing(alerts, 'RdpProbeFailing'), rolesOf(['tls10', 'closed', 'xrdp-tls10']));
        // None of them for blackbox's series of the same names, none for a scrape that fails.
        assert.deepEqual(
          alerts.filter((alert) => alert.labels.job !== 'rdp').map((alert) => alert.labels),
          [],
        );
        assert.deepEqual(firing(alerts, 'RdpExporterScrapeFailing'), []);
        assert.deepEqual(firing(alerts, 'RdpExporterNoVerdict'), []);
      });
    });

    it("keeps the exporter's own metrics: probes by result", async () => {
      await eventually('the exporter scraped after its probes', async () => {
        const probes = await query(
          'sum by (result) (rdp_doctor_exporter_probes_total{job="rdp_doctor_exporter"})',
        );
        const count = (result: string) =>
          Number(probes.find((sample) => sample.metric.result === result)?.value[1] ?? NaN);
        assert.ok(count('success') >= 1 && count('failure') >= 1, JSON.stringify(probes));
        assert.equal(count('no_verdict'), 0, JSON.stringify(probes));
      });
    });

    it("misses with blackbox_exporter's TCP prober what rdp-doctor sees", async () => {
      const tcp = await byRole('probe_success{job="blackbox_tcp"}');
      // The port opens, so to blackbox the TLS 1.0-only servers Windows 11 refuses are healthy ...
      assert.equal(tcp.get('tls10'), '1');
      if (withXrdp) assert.equal(tcp.get('xrdp-tls10'), '1');
      assert.equal(tcp.get('healthy'), '1');
      // ... and only a closed port fails.
      assert.equal(tcp.get('closed'), '0');
      // It cannot start TLS after RDP's X.224 negotiation, so it sees no certificate, expired or not.
      assert.deepEqual(await query('probe_ssl_earliest_cert_expiry{job="blackbox_tcp"}'), []);
      assert.deepEqual(await query('probe_tls_version_info{job="blackbox_tcp"}'), []);
    });
  },
);
