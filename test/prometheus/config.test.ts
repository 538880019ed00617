/**
 * The shipped Prometheus examples (examples/prometheus/): Prometheus's own promtool checks the
 * configuration and the alert rules and runs their unit tests (alerts.test.yml); the exporter's
 * own parser reads rdp-doctor.yml; the Grafana dashboard is a well-formed dashboard whose every
 * query parses; and every metric name the rules and the dashboard read is one the contract
 * names and one a real exporter really answers with, probing lab servers on loopback.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_EXPORTER_PORT } from '../../src/cli/commands/exporter.js';
import { LOOPBACK_ALLOWED, TargetAllowList } from '../../src/exporter/allow.js';
import { DEFAULT_MODULES, parseExporterConfig, parsePrometheusDuration } from '../../src/exporter/modules.js';
import { type RunningExporter, startExporter } from '../../src/exporter/server.js';
import { addressAllocator, missingBinaries, serverTracker, startLab } from '../testbed/index.js';
import {
  ALERT_RULES,
  ALERT_TESTS,
  alertRules,
  annotationQueries,
  CONTRACT_EXPORTER_METRICS,
  CONTRACT_PROBE_METRICS,
  dashboard,
  dashboardExpressions,
  EXPECTED_ALERTS,
  EXPORTER_CONFIG,
  metricNamesIn,
  PROMETHEUS_CONFIG,
  PROMETHEUS_OWN_METRICS,
  selectorLabels,
  withoutGrafanaVariables,
} from './shipped.js';

const noPromtool = missingBinaries('promtool');
const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-prometheus-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function promtool(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Every expression of the rules and the dashboard, as plain PromQL, with where it comes from. */
function shippedExpressions(): { where: string; expr: string }[] {
  return [
    ...alertRules().flatMap((rule) => [
      { where: `alert ${rule.alert}`, expr: rule.expr },
      ...annotationQueries(rule).map((expr) => ({ where: `alert ${rule.alert} annotation`, expr })),
    ]),
    ...dashboardExpressions().map(({ panel, expr }) => ({
      where: `panel '${panel}'`,
      expr: withoutGrafanaVariables(expr),
    })),
  ];
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  scrape_timeout?: string;
  static_configs?: { targets: string[] }[];
  relabel_configs?: {
    source_labels?: string[];
    target_label?: string;
    replacement?: string;
  }[];
}

describe('examples/prometheus/prometheus.yml', () => {
  const config = parseYaml(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  const job = (name: string): ScrapeConfig => {
    const found = config.scrape_configs.find((each) => each.job_name === name);
    assert.ok(found, `no job ${name}`);
    return found;
  };
  const exporterAddress = `127.0.0.1:${DEFAULT_EXPORTER_PORT}`;

  it('passes promtool check config, rule file included', { skip: noPromtool }, async () => {
    const { code, output } = await promtool(['check', 'config', PROMETHEUS_CONFIG]);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS: 1 rule files found/);
    assert.match(output, /SUCCESS: 8 rules found/);
  });

  it('turns each target of job rdp into a /probe of the exporter, named by its instance', () => {
    assert.deepEqual(config.rule_files, ['rdp-doctor-alerts.yml']);
    const rdp = job('rdp');
    assert.equal(rdp.metrics_path, '/probe');
    assert.deepEqual(rdp.params, { module: ['rdp_full'] });
    assert.ok((rdp.static_configs?.[0]?.targets.length ?? 0) > 0);
    assert.deepEqual(rdp.relabel_configs, [
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: exporterAddress },
    ]);
    assert.deepEqual(job('rdp_doctor_exporter').static_configs, [{ targets: [exporterAddress] }]);
  });

  it("gives the probe more time than its module's timeout, so the module's timeout decides", () => {
    const rdp = job('rdp');
    const module = parseExporterConfig(readFileSync(EXPORTER_CONFIG, 'utf8'), EXPORTER_CONFIG).modules.get(
      rdp.params!.module![0]!,
    );
    assert.ok(module, 'the job names a module of rdp-doctor.yml');
    assert.deepEqual(module, DEFAULT_MODULES.get('rdp_full'), 'and one the exporter has without a config');
    const scrapeTimeoutMs = parsePrometheusDuration(rdp.scrape_timeout ?? '10s');
    assert.ok(scrapeTimeoutMs !== undefined && scrapeTimeoutMs - 500 >= module.timeoutMs, rdp.scrape_timeout);
  });
});

describe('examples/prometheus/rdp-doctor.yml', () => {
  it("is read by the exporter's own parser as the contract shows", () => {
    const config = parseExporterConfig(readFileSync(EXPORTER_CONFIG, 'utf8'), EXPORTER_CONFIG);
    assert.deepEqual(config.allowTargets, ['10.0.0.0/8', '*.corp.example', 'rdp01.corp.example']);
    assert.deepEqual(
      [...config.modules.values()],
      [
        { name: 'rdp_full', timeoutMs: 20_000, quick: false, stepTimeoutMs: 4000 },
        {
          name: 'rdp_quick',
          timeoutMs: 8000,
          quick: true,
          stepTimeoutMs: 3000,
          expectedName: 'rdp01.corp.example',
          client: 'windows-11-24h2',
        },
      ],
    );
    assert.doesNotThrow(() => new TargetAllowList([...LOOPBACK_ALLOWED, ...config.allowTargets]));
  });
});

describe('examples/prometheus/rdp-doctor-alerts.yml', () => {
  const rules = alertRules();

  it('passes promtool check rules', { skip: noPromtool }, async () => {
    const { code, output } = await promtool(['check', 'rules', ALERT_RULES]);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS: 8 rules found/);
  });

  it(
    'fires each alert exactly when it should (promtool test rules on alerts.test.yml)',
    { skip: noPromtool },
    async () => {
      const { code, output } = await promtool(['test', 'rules', ALERT_TESTS]);
      assert.equal(code, 0, output);
      assert.match(output, /SUCCESS/);
    },
  );

  it('has the alerts the issue asks for, each with a severity, a summary, a description and a runbook', () => {
    assert.deepEqual(rules.map((rule) => rule.alert).sort(), [...EXPECTED_ALERTS].sort());
    for (const rule of rules) {
      assert.match(rule.labels?.severity ?? '', /^(warning|critical)$/, rule.alert);
      const { summary, description, runbook } = rule.annotations ?? {};
      for (const text of [summary, description, runbook])
        assert.match(text ?? '', /\{\{ \$labels\.instance \}\}/, `${rule.alert} names the instance`);
      assert.match(
        runbook ?? '',
        /rdp-doctor diagnose \{\{ \$labels\.instance \}\}|\/probe\?target=\{\{ \$labels\.instance \}\}/,
        rule.alert,
      );
    }
    const failing = rules.find((rule) => rule.alert === 'RdpProbeFailing');
    assert.equal(failing?.for, '5m', 'a probe failing for 5 minutes');
  });

  it('has every alert firing somewhere in its unit tests, and quiet somewhere else', () => {
    const tests = parseYaml(readFileSync(ALERT_TESTS, 'utf8')) as {
      rule_files: string[];
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    assert.deepEqual(tests.rule_files, ['../../examples/prometheus/rdp-doctor-alerts.yml']);
    const cases = tests.tests.flatMap((test) => test.alert_rule_test);
    for (const alert of EXPECTED_ALERTS) {
      const mine = cases.filter((each) => each.alertname === alert);
      assert.ok(
        mine.some((each) => each.exp_alerts.length > 0),
        `${alert} fires in alerts.test.yml`,
      );
      // Where it fires, other instances of the test's series stay quiet: exp_alerts is the
      // whole list at that time, so a rule firing too widely fails there.
      assert.ok(mine.length > 0);
    }
  });
});

describe('examples/prometheus/grafana-dashboard.json', () => {
  const board = dashboard();
  const variables = new Map(board.templating.list.map((variable) => [variable.name, variable]));

  it('is a Grafana 9+ dashboard with a data source variable and a server variable', () => {
    assert.ok(board.schemaVersion >= 36, `schemaVersion ${board.schemaVersion}`);
    assert.ok(board.uid && board.title);
    const datasource = variables.get('datasource');
    assert.equal(datasource?.type, 'datasource');
    assert.equal(datasource?.query, 'prometheus');
    const instance = variables.get('instance');
    assert.equal(instance?.type, 'query');
    assert.match(JSON.stringify(instance?.query), /label_values\(probe_success(\{[^}]*\})?, instance\)/);
    assert.deepEqual(instance?.datasource, { type: 'prometheus', uid: '${datasource}' });
  });

  it('lays out its panels on the 24-column grid without overlaps, each on the chosen data source', () => {
    const ids = board.panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const panel of board.panels) {
      const { x, y, w, h } = panel.gridPos;
      assert.ok(
        x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24,
        `${panel.title}: ${JSON.stringify(panel.gridPos)}`,
      );
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
      assert.ok((panel.targets?.length ?? 0) > 0, `${panel.title} has a query`);
      for (const target of panel.targets ?? [])
        assert.deepEqual(target.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
    }
    for (const [index, a] of board.panels.entries())
      for (const b of board.panels.slice(index + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        assert.ok(apart, `'${a.title}' and '${b.title}' overlap`);
      }
  });

  it('shows probe success, certificates, TLS versions, NLA, findings and probe durations', () => {
    const panelReading = (metric: string, types: string[]) =>
      board.panels.find(
        (panel) =>
          types.includes(panel.type) &&
          (panel.targets ?? []).some((target) =>
            metricNamesIn(withoutGrafanaVariables(target.expr)).has(metric),
          ),
      );
    assert.ok(panelReading('probe_success', ['state-timeline', 'stat']), 'probe_success per instance');
    assert.ok(panelReading('rdp_cert_days_left', ['table']), 'certificate days left');
    assert.ok(panelReading('rdp_tls_version_accepted', ['table']), 'TLS versions accepted');
    assert.ok(panelReading('probe_tls_version_info', ['table']), 'negotiated TLS version');
    assert.ok(panelReading('rdp_nla_required', ['state-timeline', 'table', 'stat']), 'NLA required');
    assert.ok(panelReading('rdp_finding', ['table']), 'findings');
    assert.ok(panelReading('probe_duration_seconds', ['timeseries']), 'probe duration');
  });

  it('has only queries promtool parses', { skip: noPromtool }, async () => {
    const path = join(scratch, 'dashboard-queries.yml');
    const rules = dashboardExpressions().map(({ expr }, index) => ({
      record: `dashboard:query_${index}`,
      expr: withoutGrafanaVariables(expr),
    }));
    writeFileSync(path, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const { code, output } = await promtool(['check', 'rules', path]);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });
});

describe('metric names of the rules and the dashboard', () => {
  const contract = new Set<string>([
    ...CONTRACT_PROBE_METRICS,
    ...CONTRACT_EXPORTER_METRICS,
    ...PROMETHEUS_OWN_METRICS,
  ]);

  it('are names the contract lists', () => {
    for (const { where, expr } of shippedExpressions())
      for (const name of metricNamesIn(expr))
        assert.ok(contract.has(name), `${where}: ${name} is not in the contract`);
  });

  it('catch a name the contract does not list (the check can fail)', () => {
    assert.deepEqual(
      [...metricNamesIn('probe_sucess == 0 and on(instance) rdp_nla_required')],
      ['probe_sucess', 'rdp_nla_required'],
    );
    assert.deepEqual(
      [
        ...metricNamesIn(
          'sum by (le) (rate(x_bucket{job=~"$a"}[5m])) unless ignoring(version) max without (version) (y)',
        ),
      ],
      ['x_bucket', 'y'],
    );
  });

  describe('against a real exporter probing lab servers', () => {
    const track = serverTracker();
    /** Each metric a real /probe or /metrics answered with, and the label names it carried. */
    const seen = new Map<string, Set<string>>();
    let exporter: RunningExporter | undefined;

    /** Metric families declared (# TYPE), with or without a series yet. */
    const declared = new Set<string>();

    function record(exposition: string): void {
      for (const line of exposition.split('\n')) {
        const family = /^# TYPE ([A-Za-z_:][\w:]*) (\w+)$/.exec(line);
        if (family) {
          declared.add(family[1]!);
          if (family[2] === 'histogram')
            for (const suffix of ['_bucket', '_sum', '_count']) declared.add(`${family[1]}${suffix}`);
        }
        const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
        if (!match) continue;
        const labels = seen.get(match[1]!) ?? new Set<string>();
        for (const label of (match[2] ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) labels.add(label[1]!);
        seen.set(match[1]!, labels);
      }
    }

    before(async () => {
      const scenarios = ['healthy-tls', 'tls10-only', 'tls-cert-expired', 'nla-accounts'];
      const targets = await Promise.all(
        scenarios.map(
          async (scenario) => (await track(startLab(scenario, await addressAllocator.next()))).host,
        ),
      );
      targets.push(await addressAllocator.next()); // nothing listens there: a closed port
      exporter = await startExporter({
        host: '127.0.0.1',
        port: 0,
        modules: DEFAULT_MODULES,
        allow: new TargetAllowList([...LOOPBACK_ALLOWED]),
        maxProbes: 4,
        version: 'test',
      });
      const answers = await Promise.all(
        targets.flatMap((target) =>
          ['rdp_full', 'rdp_quick'].map(async (module) => {
            const response = await fetch(`${exporter!.url}probe?target=${target}&module=${module}`);
            assert.equal(response.status, 200, `${target} ${module}`);
            return response.text();
          }),
        ),
      );
      answers.forEach(record);
      record(await (await fetch(`${exporter.url}metrics`)).text());
    });
    after(() => exporter?.close());

    it('are all in its answers, with the labels the queries filter on', () => {
      for (const { where, expr } of shippedExpressions()) {
        for (const name of metricNamesIn(expr)) {
          if ((PROMETHEUS_OWN_METRICS as readonly string[]).includes(name)) continue;
          assert.ok(seen.has(name), `${where}: the exporter never answered with ${name}`);
        }
        for (const { metric, labels } of selectorLabels(expr)) {
          if (!seen.has(metric)) continue;
          for (const label of labels.filter((each) => each !== 'job' && each !== 'instance'))
            assert.ok(seen.get(metric)!.has(label), `${where}: ${metric} has no label ${label}`);
        }
      }
    });

    it('answer with every name of the contract', () => {
      for (const name of CONTRACT_PROBE_METRICS) assert.ok(seen.has(name), name);
      // A counter by label has no series before its first count (probe errors: none here).
      for (const name of CONTRACT_EXPORTER_METRICS) assert.ok(declared.has(name), name);
    });
  });
});
