/**
 * The exporter's HTTP side against real lab listeners on loopback: what /probe answers for a
 * healthy server, a TLS 1.0-only one, an expired certificate, a closed port and a silent one
 * (cut by the scrape's own timeout); the 400/403/404/405 answers; the log, the front page and
 * the exporter's own /metrics; and that probes of one host never overlap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TargetAllowList, LOOPBACK_ALLOWED } from '../../src/exporter/allow.js';
import { DEFAULT_MODULES, parseExporterConfig } from '../../src/exporter/modules.js';
import { effectiveTimeoutMs, type RunningExporter, startExporter } from '../../src/exporter/server.js';
import { addressAllocator, serverTracker, startLab } from '../testbed/index.js';
import { freePort } from '../helpers/free-port.js';

/** Samples of a text exposition, by series (`name{labels}`), as numbers. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const track = serverTracker();
let exporter: RunningExporter;
const lab: Record<string, string> = {};

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, exporter.url), { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

before(async () => {
  for (const scenario of ['healthy-tls', 'tls10-only', 'tls-cert-expired', 'silent', 'nla-accounts']) {
    const server = await track(startLab(scenario, await addressAllocator.next()));
    lab[scenario] = `${server.host}:${server.port}`;
  }
  const closedHost = await addressAllocator.next();
  lab.closed = `${closedHost}:${await freePort(closedHost)}`;
  const config = parseExporterConfig(
    'modules:\n  rdp_full: { timeout: 20s }\n  rdp_quick: { timeout: 8s, quick: true, step_timeout: 2s }\n',
    'test.yml',
  );
  exporter = await startExporter({
    host: '127.0.0.1',
    port: 0,
    modules: config.modules,
    allow: new TargetAllowList(LOOPBACK_ALLOWED),
    maxProbes: 4,
    version: '0.0.0-test',
  });
});
after(async () => {
  await exporter?.close();
});

describe('exporter /probe', { timeout: 120_000 }, () => {
  it('a healthy server: probe_success 1, with its stages, TLS, certificate and findings', async () => {
    const { status, type, body } = await get(`/probe?target=${lab['healthy-tls']}&module=rdp_quick`);
    assert.equal(status, 200);
    assert.match(type, /^text\/plain; version=0\.0\.4/);
    const series = samples(body);
    assert.equal(series.get('probe_success'), 1);
    assert.equal(series.get('rdp_probe_verdict_available'), 1);
    assert.equal(series.get('rdp_stage_success{stage="tls"}'), 1);
    assert.equal(series.get('rdp_stage_success{stage="session"}'), 1);
    assert.equal(series.get('rdp_selected_protocol_info{protocol="SSL"}'), 1);
    assert.equal(series.get('rdp_nla_required'), 0);
    assert.equal(series.get('probe_tls_version_info{version="TLS 1.3"}'), 1);
    assert.equal(series.get('rdp_finding{id="nla-not-required",severity="warning"}'), 1);
    assert.ok(series.get('probe_ssl_earliest_cert_expiry')! > Date.now() / 1000);
    assert.ok(series.get('rdp_cert_days_left')! > 300);
    // Quick: no enumeration, no client simulation, so no such series at all.
    assert.ok(
      ![...series.keys()].some((name) => /^rdp_tls_version_accepted|^rdp_client_compatible/.test(name)),
    );
  });

  it('the full module enumerates TLS versions and answers per client profile', async () => {
    const series = samples((await get(`/probe?target=${lab['tls10-only']}`)).body);
    assert.equal(series.get('probe_success'), 0);
    assert.equal(series.get('rdp_tls_version_accepted{version="TLS 1.0"}'), 1);
    assert.equal(series.get('rdp_tls_version_accepted{version="TLS 1.2"}'), 0);
    assert.equal(series.get('rdp_finding{id="tls-legacy-only",severity="error"}'), 1);
    assert.equal(series.get('rdp_client_compatible{profile="windows-11-24h2"}'), 0);
    assert.equal(series.get('rdp_client_compatible{profile="windows-7-sp1"}'), 1);
  });

  it('an expired self-signed certificate is a warning: probe_success stays 1', async () => {
    const series = samples((await get(`/probe?target=${lab['tls-cert-expired']}&module=rdp_quick`)).body);
    assert.equal(series.get('probe_success'), 1);
    assert.ok(series.get('probe_ssl_earliest_cert_expiry')! < Date.now() / 1000);
    assert.ok(series.get('rdp_cert_days_left')! < 0);
    assert.equal(series.get('rdp_finding{id="tls-cert-expired",severity="warning"}'), 1);
    assert.ok([...series.keys()].some((name) => name.startsWith('rdp_cert_info{subject="CN=')));
  });

  it('NLA required: rdp_nla_required 1 and the CredSSP version', async () => {
    const series = samples((await get(`/probe?target=${lab['nla-accounts']}&module=rdp_quick`)).body);
    assert.equal(series.get('probe_success'), 1);
    assert.equal(series.get('rdp_nla_required'), 1);
    assert.equal(series.get('rdp_selected_protocol_info{protocol="HYBRID_EX"}'), 1);
    assert.ok(series.get('rdp_credssp_version')! >= 2);
  });

  it('a closed port: probe_success 0, the tcp stage failed, later stages absent', async () => {
    const series = samples((await get(`/probe?target=${lab.closed}&module=rdp_quick`)).body);
    assert.equal(series.get('probe_success'), 0);
    assert.equal(series.get('rdp_probe_verdict_available'), 1);
    assert.equal(series.get('rdp_stage_success{stage="tcp"}'), 0);
    assert.equal(series.get('rdp_finding{id="tcp-refused",severity="error"}'), 1);
    assert.equal(series.get('rdp_stage_success{stage="tls"}'), undefined);
  });

  it("a silent server: the scrape's own timeout cuts the probe, without a verdict", async () => {
    const started = performance.now();
    const { status, body } = await get(`/probe?target=${lab.silent}`, {
      'X-Prometheus-Scrape-Timeout-Seconds': '2',
    });
    const ms = performance.now() - started;
    assert.equal(status, 200);
    assert.ok(ms < 2000, `${ms} ms for a 2 s scrape`);
    const series = samples(body);
    assert.equal(series.get('probe_success'), 0);
    assert.equal(series.get('rdp_probe_verdict_available'), 0);
    assert.equal(series.get('rdp_stage_success{stage="tcp"}'), undefined);
  });

  it('refuses bad requests with a clear message', async () => {
    const cases: [string, number, RegExp][] = [
      ['/probe', 400, /missing parameter 'target'/],
      [
        `/probe?target=${lab['healthy-tls']}&module=nope`,
        400,
        /unknown module 'nope' \(modules: rdp_full, rdp_quick\)/,
      ],
      ['/probe?target=not%20a%20host!', 400, /invalid host/],
      ['/probe?target=127.0.0.1:99999', 400, /invalid port/],
      ['/probe?target=10.0.0.1', 403, /target '10\.0\.0\.1' is not allowed/],
      ['/probe?target=rdp01.corp.example', 403, /not allowed/],
      ['/nowhere', 404, /no such page/],
    ];
    for (const [path, status, pattern] of cases) {
      const answer = await get(path);
      assert.equal(answer.status, status, path);
      assert.match(answer.body, pattern, path);
      assert.equal(answer.body.trimEnd().split('\n').length, 1, path);
    }
    const post = await fetch(new URL('/probe', exporter.url), { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('debug=true gives the log; the front page links the recent probes to theirs', async () => {
    const debug = await get(`/probe?target=${lab['healthy-tls']}&module=rdp_quick&debug=true`);
    assert.match(debug.body, /^Module rdp_quick \(quick\), timeout 8000 ms/);
    assert.match(debug.body, /Verdict: /);
    assert.match(debug.body, /Metrics that would have been returned:\n# HELP probe_success/);
    const page = await get('/');
    assert.match(page.type, /text\/html/);
    const links = [...page.body.matchAll(/href="logs\?id=(\d+)"/g)].map((match) => match[1]!);
    assert.ok(links.length >= 5);
    const newest = await get(`/logs?id=${links[0]}`);
    assert.equal(newest.body, debug.body);
    assert.equal((await get('/logs?id=999999')).status, 404);
  });

  it('never runs two probes of one host at once', async () => {
    const target = lab['tls-cert-expired']!;
    // The silent server's probe outlives its scrape until its own step timeouts end it.
    const running = async () =>
      samples((await get('/metrics')).body).get('rdp_doctor_exporter_probes_running');
    while ((await running()) !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
    let peak = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const own = samples((await get('/metrics')).body);
        peak = Math.max(peak, own.get('rdp_doctor_exporter_probes_running')!);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 3 }, () => get(`/probe?target=${target}`)));
    polling = false;
    await poller;
    for (const answer of answers) assert.equal(samples(answer.body).get('rdp_probe_verdict_available'), 1);
    assert.equal(peak, 1, `probes of one host overlapped (peak ${peak})`);
    assert.equal(samples((await get('/metrics')).body).get('rdp_doctor_exporter_probes_running'), 0);
  });

  it('counts its probes and refusals in its own /metrics', async () => {
    const own = samples((await get('/metrics')).body);
    assert.ok(own.get('rdp_doctor_exporter_probes_total{module="rdp_quick",result="success"}')! >= 3);
    assert.ok(own.get('rdp_doctor_exporter_probes_total{module="rdp_quick",result="failure"}')! >= 1);
    assert.ok(own.get('rdp_doctor_exporter_probes_total{module="rdp_full",result="no_verdict"}')! >= 1);
    assert.ok(own.get('rdp_doctor_exporter_requests_rejected_total{reason="not_allowed"}')! >= 2);
    assert.ok(own.get('rdp_doctor_exporter_requests_rejected_total{reason="bad_request"}')! >= 4);
    assert.ok(own.has('process_cpu_seconds_total'));
  });
});

describe('effectiveTimeoutMs', () => {
  const full = DEFAULT_MODULES.get('rdp_full')!;
  it("takes the module's timeout, cut to the scrape's header less half a second", () => {
    assert.equal(effectiveTimeoutMs(full, undefined), 20_000);
    assert.equal(effectiveTimeoutMs(full, '10'), 9_500);
    assert.equal(effectiveTimeoutMs(full, '60'), 20_000);
    assert.equal(effectiveTimeoutMs(full, '0.5'), 250);
    assert.equal(effectiveTimeoutMs(full, 'junk'), 20_000);
  });
});
