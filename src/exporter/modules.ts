/**
 * The exporter's configuration file: modules (how one probe runs, as blackbox_exporter's
 * modules do) and the targets it may probe. Strict: an unknown key is an error naming its line,
 * so a typo never silently probes with defaults.
 *
 *   allow_targets: ["10.0.0.0/8", "*.corp.example"]
 *   modules:
 *     rdp_full:  { timeout: 20s, quick: false }
 *     rdp_quick: { timeout: 8s, quick: true, step_timeout: 3s, expected_name: rdp01.corp.example }
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { CLIENT_PROFILE_IDS } from '../data/clients/index.js';

export interface ExporterModule {
  readonly name: string;
  /** The whole probe; a scrape's own timeout (its header) can only shorten it. */
  readonly timeoutMs: number;
  /** Skip the TLS enumeration and the client simulation. */
  readonly quick: boolean;
  /** Each step's timeout (connect, each read, the handshake); default: DEFAULT_STEP_TIMEOUT_MS. */
  readonly stepTimeoutMs: number;
  /** The name clients use, to check the certificate against (default: the target's host). */
  readonly expectedName?: string;
  /** The client profile whose verdict the probe speaks for (data/clients). */
  readonly client?: string;
}

export interface ExporterConfig {
  readonly modules: ReadonlyMap<string, ExporterModule>;
  /** CIDRs and host globs from the file's allow_targets. */
  readonly allowTargets: readonly string[];
}

/** A step waits this long at most by default, as diagnose's --timeout. */
export const DEFAULT_STEP_TIMEOUT_MS = 4000;
export const DEFAULT_MODULE = 'rdp_full';

/** The modules without a config file (and the names the shipped examples use). */
export const DEFAULT_MODULES: ReadonlyMap<string, ExporterModule> = new Map([
  ['rdp_full', { name: 'rdp_full', timeoutMs: 20_000, quick: false, stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS }],
  ['rdp_quick', { name: 'rdp_quick', timeoutMs: 8_000, quick: true, stepTimeoutMs: 3_000 }],
]);

/** One line, naming the file and line: the CLI makes it a usage error (exit 2). */
export class ExporterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExporterConfigError';
  }
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Ten minutes: longer than any scrape interval a probe could serve. */
const MAX_MODULE_TIMEOUT_MS = 600_000;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const MODULE_KEYS = ['timeout', 'quick', 'step_timeout', 'expected_name', 'client'] as const;
/** Keys a user might reach for; the answer is a reason, not "unknown key". */
const CREDENTIAL_KEYS = /^(user(name)?|password|pass|credentials?|domain|secret|token)$/i;

/** A Prometheus-style duration: `500ms`, `10s`, `1m30s`. */
export function parsePrometheusDuration(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, hours, minutes, seconds, millis] = match;
  return (
    Number(hours ?? 0) * DURATION_UNITS_MS.h! +
    Number(minutes ?? 0) * DURATION_UNITS_MS.m! +
    Number(seconds ?? 0) * DURATION_UNITS_MS.s! +
    Number(millis ?? 0)
  );
}

/** Reads a config file's text; `fileName` is only for messages. */
export function parseExporterConfig(text: string, fileName: string): ExporterConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? fileName : `${fileName}:${lineCounter.linePos(offset).line}`;
  };
  const fail = (node: YamlNode | null | undefined, message: string): never => {
    throw new ExporterConfigError(`${lineOf(node)}: ${message}`);
  };
  const [firstError] = document.errors;
  if (firstError) {
    const line = firstError.linePos?.[0]?.line ?? lineCounter.linePos(firstError.pos[0]).line;
    throw new ExporterConfigError(
      `${line ? `${fileName}:${line}` : fileName}: not valid YAML: ${firstError.message.split('\n')[0]}`,
    );
  }
  const root = document.contents;
  if (root === null) return { modules: DEFAULT_MODULES, allowTargets: [] };
  if (!isMap(root)) fail(root, 'expected a mapping with modules: and allow_targets:');
  let modules: Map<string, ExporterModule> | undefined;
  let allowTargets: string[] = [];
  for (const pair of (root as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as YamlNode | null;
    if (key === 'modules') modules = parseModules(value, fail);
    else if (key === 'allow_targets') allowTargets = parseStringList(value, 'allow_targets', fail);
    else fail(pair.key as YamlNode, `unknown key '${key}' (expected modules, allow_targets)`);
  }
  return { modules: modules ?? new Map(DEFAULT_MODULES), allowTargets };
}

type Fail = (node: YamlNode | null | undefined, message: string) => never;

function parseStringList(node: YamlNode | null, what: string, fail: Fail): string[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!node || !('items' in node) || isMap(node)) return fail(node, `${what} must be a list of strings`);
  return (node.items as YamlNode[]).map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '')
      return fail(item, `${what} entries must be non-empty strings`);
    return item.value.trim();
  });
}

function parseModules(node: YamlNode | null, fail: Fail): Map<string, ExporterModule> {
  if (!isMap(node)) return fail(node, 'modules must be a mapping of module names to settings');
  const modules = new Map<string, ExporterModule>();
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!MODULE_NAME.test(name))
      fail(pair.key as YamlNode, `invalid module name '${name}': letters, digits, '_' and '-'`);
    modules.set(name, parseModule(name, pair.value as YamlNode | null, fail));
  }
  if (modules.size === 0) fail(node, 'modules is empty: name at least one');
  return modules;
}

function parseModule(name: string, node: YamlNode | null, fail: Fail): ExporterModule {
  const settings: Record<string, unknown> = {};
  const nodes: Record<string, YamlNode> = {};
  if (node !== null && !(isScalar(node) && node.value === null)) {
    if (!isMap(node)) fail(node, `module ${name} must be a mapping (timeout, quick, ...)`);
    for (const pair of (node as YAMLMap).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (CREDENTIAL_KEYS.test(key))
        fail(
          pair.key as YamlNode,
          `module ${name}: '${key}': modules carry no credentials (an exporter never logs on)`,
        );
      if (!(MODULE_KEYS as readonly string[]).includes(key))
        fail(
          pair.key as YamlNode,
          `module ${name}: unknown key '${key}' (expected ${MODULE_KEYS.join(', ')})`,
        );
      const value = pair.value as YamlNode;
      settings[key] = isScalar(value) ? value.value : undefined;
      nodes[key] = value;
    }
  }
  const duration = (key: 'timeout' | 'step_timeout', fallback: number): number => {
    if (settings[key] === undefined) return fallback;
    const raw = settings[key];
    const ms = typeof raw === 'string' ? parsePrometheusDuration(raw) : undefined;
    if (ms === undefined || ms < 1 || ms > MAX_MODULE_TIMEOUT_MS)
      return fail(
        nodes[key],
        `module ${name}: ${key} '${String(raw)}' is not a duration from 1ms to 10m (e.g. 10s)`,
      );
    return ms;
  };
  const quick = settings.quick ?? false;
  if (typeof quick !== 'boolean') fail(nodes.quick, `module ${name}: quick must be true or false`);
  const timeoutMs = duration(
    'timeout',
    (quick ? DEFAULT_MODULES.get('rdp_quick')! : DEFAULT_MODULES.get('rdp_full')!).timeoutMs,
  );
  const stepTimeoutMs = duration('step_timeout', Math.min(DEFAULT_STEP_TIMEOUT_MS, timeoutMs));
  const text = (key: 'expected_name' | 'client'): string | undefined => {
    const raw = settings[key];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string' || raw.trim() === '')
      return fail(nodes[key], `module ${name}: ${key} must be a string`);
    return raw.trim();
  };
  const expectedName = text('expected_name');
  const client = text('client');
  if (client !== undefined && !CLIENT_PROFILE_IDS.includes(client))
    fail(
      nodes.client,
      `module ${name}: unknown client '${client}' (known: ${CLIENT_PROFILE_IDS.join(', ')})`,
    );
  return {
    name,
    timeoutMs,
    quick: quick as boolean,
    stepTimeoutMs,
    ...(expectedName !== undefined ? { expectedName } : {}),
    ...(client !== undefined ? { client } : {}),
  };
}
