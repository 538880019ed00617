/**
 * The diagnose catalog checks itself: every finding id has exactly one rule, every rule file its
 * test and its docs/findings.md section, docs are filled in, fixes are ranked safest first with
 * security-weakening ones last, scripts are not empty, and the generated doc is up to date.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FINDINGS_DOC_PATH, renderFindingsDoc, stateHeading } from '../../scripts/gen-findings-doc.js';
import { DIAGNOSE_RULES } from '../../src/rules/diagnose/index.js';
import { evaluateRules } from '../../src/rules/engine.js';
import { EVENT_RULES } from '../../src/rules/events/index.js';
import { DIAGNOSE_FINDING_IDS, STATE_FINDING_IDS } from '../../src/rules/finding-ids.js';
import { STATE_RULES } from '../../src/rules/state/index.js';
import { type Fix, RISK_ORDER, rankFixes } from '../../src/rules/types.js';
import { healthy } from '../helpers/observations.js';
import { clientState, combine, serverState } from '../helpers/state.js';

/** Raised by the TLS-posture work (client compatibility profiles), not by a rule here yet. */
const NOT_YET_IMPLEMENTED: ReadonlySet<string> = new Set(['client-incompatible']);
const RULE_DIR = fileURLToPath(new URL('../../src/rules/diagnose/', import.meta.url));
const TEST_DIR = fileURLToPath(new URL('./diagnose/', import.meta.url));
/** Files in the rule folder that are shared code, not rules. */
const SUPPORT_FILES = new Set(['index.ts', 'helpers.ts', 'completeness.ts', 'fixes.ts', 'client-errors.ts']);

const ids = DIAGNOSE_RULES.map((rule) => rule.meta.id);

function fixRank(fix: Fix): number {
  return (fix.weakensSecurity ? 10 : 0) + RISK_ORDER.indexOf(fix.risk);
}

describe('diagnose rule catalog', () => {
  it('has a rule for every diagnose finding id', () => {
    const missing = DIAGNOSE_FINDING_IDS.filter((id) => !NOT_YET_IMPLEMENTED.has(id) && !ids.includes(id));
    assert.deepEqual(missing, []);
  });

  it('has only rules whose id is a diagnose finding id, each once', () => {
    const known: readonly string[] = DIAGNOSE_FINDING_IDS;
    assert.deepEqual(
      ids.filter((id) => !known.includes(id)),
      [],
    );
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
  });

  it('lists every rule file in the index, and names each file after its rule', () => {
    const files = readdirSync(RULE_DIR).filter((file) => file.endsWith('.ts') && !SUPPORT_FILES.has(file));
    assert.deepEqual(files.map((file) => file.replace(/\.ts$/, '')).sort(), [...ids].sort());
  });

  it('has a test file for every rule', () => {
    const missing = ids.filter((id) => !existsSync(`${TEST_DIR}${id}.test.ts`));
    assert.deepEqual(missing, []);
  });

  for (const { meta } of DIAGNOSE_RULES) {
    it(`${meta.id}: docs, stages and fixes are complete and ranked`, () => {
      assert.ok(meta.title.trim(), 'title');
      assert.ok(meta.docs.explanation.trim().length > 40, 'explanation');
      assert.ok(meta.docs.falseAlarm.trim().length > 20, 'falseAlarm');
      assert.ok(meta.requires.length > 0, 'requires');
      assert.ok(meta.fixes.length > 0, 'fixes');
      const first = meta.fixes[0];
      assert.ok(first && !first.weakensSecurity, 'a security-weakening fix is listed first');
      const ranks = meta.fixes.map(fixRank);
      assert.deepEqual(
        ranks,
        [...ranks].sort((a, b) => a - b),
        'fixes are not ranked safest first',
      );
      assert.deepEqual(rankFixes(meta.fixes), [...meta.fixes]);
      for (const fix of meta.fixes) {
        assert.ok(fix.title.trim() && fix.steps.length > 0, `fix ${fix.title}: steps`);
        if (fix.script) assert.ok(fix.script.code.trim(), `fix ${fix.title}: empty script`);
        if (fix.weakensSecurity !== undefined)
          assert.ok(fix.weakensSecurity.trim(), `fix ${fix.title}: empty cost`);
      }
    });
  }

  it('finds only the NLA fact on a healthy server', () => {
    const { findings, results } = evaluateRules(DIAGNOSE_RULES, healthy());
    assert.deepEqual(
      findings.map((finding) => `${finding.severity} ${finding.id}`),
      ['info nla-required'],
    );
    const notEvaluated = results
      .filter((result) => result.outcome.status === 'not-evaluated')
      .map((result) => result.id);
    // The healthy server refuses Standard RDP Security, so that stage is skipped.
    assert.deepEqual(notEvaluated, ['rdp-weak-encryption']);
  });

  it('docs/findings.md has a section for every rule and is up to date', () => {
    const doc = readFileSync(FINDINGS_DOC_PATH, 'utf8');
    for (const id of ids)
      assert.ok(doc.includes(`\n## ${id}\n`), `docs/findings.md lacks a section for ${id}`);
    assert.equal(
      doc,
      renderFindingsDoc(DIAGNOSE_RULES, STATE_RULES),
      'docs/findings.md is stale: run node --import tsx scripts/gen-findings-doc.ts',
    );
  });
});

const STATE_RULE_DIR = fileURLToPath(new URL('../../src/rules/state/', import.meta.url));
const STATE_TEST_DIR = fileURLToPath(new URL('./state/', import.meta.url));
/** Shared code of the state room, not rules. */
const STATE_SUPPORT_FILES = new Set([
  'index.ts',
  'helpers.ts',
  'listener-security.ts',
  'schannel.ts',
  'firewall.ts',
]);
const stateIds = STATE_RULES.map((rule) => rule.meta.id);

describe('state rule catalog', () => {
  it('has exactly one rule per STATE_FINDING_IDS entry', () => {
    assert.deepEqual([...stateIds].sort(), [...STATE_FINDING_IDS].sort());
    assert.equal(new Set(stateIds).size, stateIds.length, 'duplicate rule ids');
  });

  it('lists every rule file in the index, and names each file after its rule', () => {
    const files = readdirSync(STATE_RULE_DIR).filter(
      (file) => file.endsWith('.ts') && !STATE_SUPPORT_FILES.has(file),
    );
    assert.deepEqual(files.map((file) => file.replace(/\.ts$/, '')).sort(), [...stateIds].sort());
  });

  it('has a test file for every rule', () => {
    assert.deepEqual(
      stateIds.filter((id) => !existsSync(`${STATE_TEST_DIR}${id}.test.ts`)),
      [],
    );
  });

  for (const { meta } of STATE_RULES) {
    it(`${meta.id}: docs, needs and fixes are complete and ranked`, () => {
      assert.ok(meta.title.trim(), 'title');
      assert.ok(meta.docs.explanation.trim().length > 40, 'explanation');
      assert.ok(meta.docs.falseAlarm.trim().length > 20, 'falseAlarm');
      assert.ok(meta.requires.length > 0, 'requires');
      assert.ok(meta.fixes.length > 0, 'fixes');
      assert.ok(!meta.fixes[0]!.weakensSecurity, 'a security-weakening fix is listed first');
      const ranks = meta.fixes.map(fixRank);
      assert.deepEqual(
        ranks,
        [...ranks].sort((a, b) => a - b),
        'fixes are not ranked safest first',
      );
      for (const fix of meta.fixes) {
        assert.ok(fix.title.trim() && fix.steps.length > 0, `fix ${fix.title}: steps`);
        if (fix.script) assert.ok(fix.script.code.trim(), `fix ${fix.title}: empty script`);
      }
    });
  }

  it('a shared id keeps the sense of the diagnose or event rule of that id', () => {
    const elsewhere = new Map<string, string>([
      ...DIAGNOSE_RULES.map((rule) => [rule.meta.id, rule.meta.title] as const),
      ...EVENT_RULES.map((rule) => [rule.meta.id, rule.meta.title] as const),
    ]);
    const shared = stateIds.filter((id) => elsewhere.has(id));
    assert.ok(shared.length >= 7, `only ${shared.length} shared ids`);
    // Each shared rule's title shares its key words with the other room's title for the id.
    const words = (title: string) => new Set(title.toLowerCase().match(/[a-z0-9.]{4,}/g) ?? []);
    for (const id of shared) {
      const mine = words(STATE_RULES.find((rule) => rule.meta.id === id)!.meta.title);
      const theirs = words(elsewhere.get(id)!);
      assert.ok(
        [...mine].some((word) => theirs.has(word)),
        `${id}: titles share no word`,
      );
    }
  });

  it('finds nothing, and judges every rule, on a healthy server and client', () => {
    const { findings, results } = evaluateRules(STATE_RULES, combine(serverState(), clientState()));
    assert.deepEqual(
      findings.map((finding) => finding.id),
      [],
    );
    assert.deepEqual(
      results.filter((result) => result.outcome.status !== 'pass').map((result) => result.id),
      [],
    );
  });

  it('docs/findings.md has a machine-state section for every state rule', () => {
    const doc = readFileSync(FINDINGS_DOC_PATH, 'utf8');
    for (const id of stateIds)
      assert.ok(doc.includes(`\n## ${stateHeading(id)}\n`), `docs/findings.md lacks a section for ${id}`);
  });
});
