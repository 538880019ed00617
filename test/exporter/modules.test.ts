/** The exporter's config file: modules and allow_targets, strict, with errors naming the line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MODULES,
  ExporterConfigError,
  parseExporterConfig,
  parsePrometheusDuration,
} from '../../src/exporter/modules.js';

function refused(text: string, pattern: RegExp) {
  assert.throws(
    () => parseExporterConfig(text, 'exporter.yml'),
    (error: unknown) =>
      error instanceof ExporterConfigError && !error.message.includes('\n') && pattern.test(error.message),
    pattern.source,
  );
}

describe('parseExporterConfig', () => {
  it('reads modules and allow_targets', () => {
    const config = parseExporterConfig(
      [
        'allow_targets: ["10.0.0.0/8", "*.corp.example"]',
        'modules:',
        '  rdp_full:  { timeout: 20s, quick: false }',
        '  rdp_quick:',
        '    timeout: 1m30s',
        '    quick: true',
        '    step_timeout: 500ms',
        '    expected_name: rdp01.corp.example',
        '    client: windows-11-24h2',
      ].join('\n'),
      'exporter.yml',
    );
    assert.deepEqual(config.allowTargets, ['10.0.0.0/8', '*.corp.example']);
    assert.deepEqual(config.modules.get('rdp_full'), {
      name: 'rdp_full',
      timeoutMs: 20_000,
      quick: false,
      stepTimeoutMs: 4000,
    });
    assert.deepEqual(config.modules.get('rdp_quick'), {
      name: 'rdp_quick',
      timeoutMs: 90_000,
      quick: true,
      stepTimeoutMs: 500,
      expectedName: 'rdp01.corp.example',
      client: 'windows-11-24h2',
    });
  });

  it('gives the default modules for an empty file or one without modules', () => {
    assert.deepEqual([...parseExporterConfig('', 'x').modules.keys()], [...DEFAULT_MODULES.keys()]);
    const config = parseExporterConfig('allow_targets: [rdp01]\n', 'x');
    assert.deepEqual([...config.modules.keys()], ['rdp_full', 'rdp_quick']);
    // A module without settings is a full probe with the defaults.
    assert.deepEqual(parseExporterConfig('modules:\n  plain:\n', 'x').modules.get('plain'), {
      name: 'plain',
      timeoutMs: 20_000,
      quick: false,
      stepTimeoutMs: 4000,
    });
  });

  it('refuses what it does not know, naming the file and line', () => {
    refused('modules:\n  a:\n    timout: 5s\n', /^exporter\.yml:3: module a: unknown key 'timout'/);
    refused('modules:\n  a:\n    password: hunter2\n', /^exporter\.yml:3: .*modules carry no credentials/);
    refused('modules:\n  a: { timeout: 5 }\n', /^exporter\.yml:2: module a: timeout '5' is not a duration/);
    refused('modules:\n  a: { timeout: 11m }\n', /not a duration from 1ms to 10m/);
    refused('modules:\n  a: { quick: yes please }\n', /quick must be true or false/);
    refused('modules:\n  a: { client: windows-12 }\n', /unknown client 'windows-12' \(known: /);
    refused('modules:\n  "bad name": {}\n', /^exporter\.yml:2: invalid module name 'bad name'/);
    refused('modules: {}\n', /modules is empty/);
    refused('modules: [a, b]\n', /modules must be a mapping/);
    refused('allow_targets: 10.0.0.0/8\n', /allow_targets must be a list/);
    refused('allow_targets: [""]\n', /non-empty strings/);
    refused('scrape: 1\n', /^exporter\.yml:1: unknown key 'scrape'/);
    refused('modules:\n  a: {\n', /^exporter\.yml:\d+: not valid YAML/);
    refused('modules:\n  a: {}\n  a: {}\n', /not valid YAML/);
    refused('- just\n- a list\n', /expected a mapping/);
  });
});

describe('parsePrometheusDuration', () => {
  it('reads what Prometheus writes', () => {
    assert.equal(parsePrometheusDuration('500ms'), 500);
    assert.equal(parsePrometheusDuration('10s'), 10_000);
    assert.equal(parsePrometheusDuration('1m'), 60_000);
    assert.equal(parsePrometheusDuration('1m30s'), 90_000);
    assert.equal(parsePrometheusDuration('1h'), 3_600_000);
    for (const bad of ['', '10', 's', '1.5s', '-1s', '10S', '1s1m'])
      assert.equal(parsePrometheusDuration(bad), undefined, bad);
  });
});
