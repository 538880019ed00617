/**
 * Reads a document written by `rdp-doctor collect` (src/evidence/state/collect-document.ts).
 * Strict about what identifies it (schema, version, role, computer, collector), tolerant about the
 * rest: unknown fields are ignored, and a section of the wrong shape is dropped with a damage
 * note (the rules then say "not evaluated" for it) while the other sections are read.
 */
import type { Damage, EventRecord } from '../types.js';
import {
  COLLECT_SCHEMA,
  COLLECT_SCHEMA_VERSION,
  type CollectDocument,
  type CollectedAcl,
  type CollectedRegistryKey,
  type CollectedRegistryValue,
  type RegistryValueType,
} from './collect-document.js';
import { canonicalRegistryKey } from './registry-key.js';
import type { RegistryKeyRecord } from './types.js';

export class CollectFormatError extends Error {
  constructor(
    readonly code: 'not-collect' | 'unsupported-version',
    message: string,
  ) {
    super(message);
    this.name = 'CollectFormatError';
  }
}

export interface CollectReadResult {
  readonly document: CollectDocument;
  /** The registry section as state records (keys canonical, each naming `path`). */
  readonly registry: RegistryKeyRecord[];
  /** The document's own events, for the event rules. */
  readonly events: EventRecord[];
  readonly damage: Damage[];
}

/** The `schema` field of a parsed JSON object, if it has one: tells collector documents apart. */
export function jsonSchemaOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const schema = (value as Record<string, unknown>).schema;
  return typeof schema === 'string' ? schema : undefined;
}

// --- a small decoder kit: each decoder returns the typed value or throws a ShapeError ---

class ShapeError extends Error {}
type Decoder<T> = (value: unknown, at: string) => T;

function fail(at: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new ShapeError(`${at}: expected ${expected}, got ${got}`);
}

const string: Decoder<string> = (value, at) =>
  typeof value === 'string' ? value : fail(at, 'a string', value);
const number: Decoder<number> = (value, at) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(at, 'a number', value);
const integer: Decoder<number> = (value, at) =>
  Number.isSafeInteger(value) ? (value as number) : fail(at, 'an integer', value);
const boolean: Decoder<boolean> = (value, at) =>
  typeof value === 'boolean' ? value : fail(at, 'true or false', value);

function oneOf<T extends string>(...allowed: T[]): Decoder<T> {
  return (value, at) =>
    allowed.includes(value as T) ? (value as T) : fail(at, allowed.map((a) => `'${a}'`).join(' or '), value);
}

function nullable<T>(decode: Decoder<T>): Decoder<T | null> {
  return (value, at) => (value === null || value === undefined ? null : decode(value, at));
}

/**
 * Windows PowerShell 5.1 unrolls a one-element array to its element and may write an empty one
 * as null: both read as arrays here.
 */
function arrayOf<T>(decode: Decoder<T>): Decoder<T[]> {
  return (value, at) => {
    const items = value === null ? [] : Array.isArray(value) ? value : [value];
    return items.map((item, index) => decode(item, `${at}[${index}]`));
  };
}

const strings = arrayOf(string);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Fields<T> = { readonly [K in keyof T]-?: Decoder<T[K]> };

/** An object with exactly these fields (others ignored); optional ones decode `undefined` themselves. */
function object<T>(fields: Fields<T>): Decoder<T> {
  return (value, at) => {
    if (!isObject(value)) fail(at, 'an object', value);
    const out: Record<string, unknown> = {};
    for (const [name, decode] of Object.entries(fields) as [string, Decoder<unknown>][]) {
      const decoded = decode(value[name], `${at}.${name}`);
      if (decoded !== undefined) out[name] = decoded;
    }
    return out as T;
  };
}

function optional<T>(decode: Decoder<T>): Decoder<T | undefined> {
  return (value, at) => (value === undefined ? undefined : decode(value, at));
}

/** Event data and dsregcmd values: strings, with numbers and booleans written as text. */
const text: Decoder<string> = (value, at) => {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(at, 'a string', value);
};

function recordOf(decode: Decoder<string>): Decoder<Record<string, string>> {
  return (value, at) => {
    if (!isObject(value)) fail(at, 'an object', value);
    const out: Record<string, string> = {};
    for (const [name, item] of Object.entries(value)) out[name] = decode(item, `${at}.${name}`);
    return out;
  };
}

// --- registry values ---

/** PowerShell's RegistryValueKind names, in case a value was written with them. */
const VALUE_TYPES: Readonly<Record<string, RegistryValueType>> = {
  REG_SZ: 'REG_SZ',
  REG_EXPAND_SZ: 'REG_EXPAND_SZ',
  REG_MULTI_SZ: 'REG_MULTI_SZ',
  REG_DWORD: 'REG_DWORD',
  REG_QWORD: 'REG_QWORD',
  REG_BINARY: 'REG_BINARY',
  REG_NONE: 'REG_NONE',
  String: 'REG_SZ',
  ExpandString: 'REG_EXPAND_SZ',
  MultiString: 'REG_MULTI_SZ',
  DWord: 'REG_DWORD',
  QWord: 'REG_QWORD',
  Binary: 'REG_BINARY',
  None: 'REG_NONE',
};

const hexBytes: Decoder<string> = (value, at) => {
  if (typeof value === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(value)) return value.toLowerCase();
  // byte[] as ConvertTo-Json writes it.
  if (Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255))
    return Buffer.from(value as number[]).toString('hex');
  return fail(at, 'hex bytes', value);
};

const registryValue: Decoder<CollectedRegistryValue> = (value, at) => {
  if (!isObject(value)) fail(at, 'an object', value);
  const name = string(value.name ?? '', `${at}.name`);
  const type = VALUE_TYPES[string(value.type, `${at}.type`)];
  if (!type) fail(`${at}.type`, 'a REG_* type', value.type);
  const raw = value.value;
  switch (type) {
    case 'REG_DWORD': {
      // Get-ItemProperty gives DWORDs as Int32: 0xffffffff arrives as -1.
      const dword = integer(raw, `${at}.value`);
      if (dword < -0x80000000 || dword > 0xffffffff) fail(`${at}.value`, 'a 32-bit number', raw);
      return { name, type, value: dword >>> 0 };
    }
    case 'REG_QWORD': {
      // As the .reg reader keeps them: a number while exact, else the exact decimal string.
      const qword =
        typeof raw === 'string' && /^-?\d+$/.test(raw)
          ? BigInt(raw)
          : Number.isInteger(raw)
            ? BigInt(raw as number)
            : fail(`${at}.value`, 'an integer', raw);
      const unsigned = BigInt.asUintN(64, qword);
      return {
        name,
        type,
        value: unsigned <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(unsigned) : unsigned.toString(),
      };
    }
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return { name, type, value: string(raw, `${at}.value`) };
    case 'REG_MULTI_SZ':
      return { name, type, value: strings(raw, `${at}.value`) };
    default:
      return { name, type, value: raw === null ? '' : hexBytes(raw, `${at}.value`) };
  }
};

const registryKey: Decoder<CollectedRegistryKey> = (value, at) => {
  const decoded = object<CollectedRegistryKey>({
    key: string,
    exists: boolean,
    values: arrayOf(registryValue),
  })(value, at);
  const key = canonicalRegistryKey(decoded.key);
  if (!key) fail(`${at}.key`, 'a key starting with a hive (HKEY_LOCAL_MACHINE...)', decoded.key);
  return { ...decoded, key };
};

// --- the sections ---

const acl = object<CollectedAcl>({
  path: string,
  owner: string,
  access: arrayOf(
    object({
      identity: string,
      sid: optional(string),
      rights: text,
      type: oneOf('Allow', 'Deny'),
      inherited: boolean,
    }),
  ),
});

type Section = Exclude<
  keyof CollectDocument,
  'schema' | 'schemaVersion' | 'role' | 'collector' | 'collectedAt' | 'computer' | 'skipped' | 'registry'
>;

/** Decoders for the optional sections; absent or null stays absent or null. */
const SECTIONS: { readonly [K in Section]-?: Decoder<NonNullable<CollectDocument[K]>> } = {
  certificates: arrayOf(
    object({
      store: string,
      thumbprint: string,
      subject: string,
      issuer: string,
      notBefore: string,
      notAfter: string,
      dnsNames: strings,
      enhancedKeyUsages: strings,
      hasPrivateKey: boolean,
      privateKeyReadable: nullable(boolean),
      keyFile: nullable(string),
      keyFileAcl: nullable(acl),
      boundToListener: boolean,
    }),
  ),
  machineKeys: acl,
  tlsCipherSuites: strings,
  services: arrayOf(object({ name: string, status: string, startType: string })),
  firewall: object({
    profiles: arrayOf(
      object({
        name: oneOf('Domain', 'Private', 'Public'),
        enabled: boolean,
        defaultInboundAction: string,
        active: boolean,
      }),
    ),
    rules: arrayOf(
      object({
        name: string,
        displayName: string,
        displayGroup: text,
        group: text,
        enabled: boolean,
        direction: oneOf('Inbound', 'Outbound'),
        action: oneOf('Allow', 'Block'),
        profiles: strings,
        protocol: string,
        localPorts: arrayOf(text),
        remoteAddresses: strings,
      }),
    ),
  }),
  listeners: arrayOf(
    object({
      address: string,
      port: integer,
      protocol: oneOf('TCP', 'UDP'),
      processId: integer,
      processName: string,
      services: strings,
    }),
  ),
  logonRights: object({
    SeRemoteInteractiveLogonRight: strings,
    SeDenyRemoteInteractiveLogonRight: strings,
    remoteDesktopUsers: nullable(strings),
  }),
  licensing: object({
    sessionHostInstalled: boolean,
    licensingType: nullable(integer),
    licensingName: nullable(string),
    graceDaysLeft: nullable(integer),
    licenseServers: strings,
  }),
  azure: object({
    isAzureVm: boolean,
    vmId: nullable(string),
    location: nullable(string),
    resourceGroup: nullable(string),
    vmName: nullable(string),
  }),
  dsregStatus: recordOf(text),
  clientApps: arrayOf(object({ name: string, version: string, path: nullable(string) })),
  events: arrayOf(
    object({
      eventId: integer,
      provider: string,
      channel: string,
      time: string,
      recordId: integer,
      computer: text,
      data: (value, at) => (value === undefined || value === null ? {} : recordOf(text)(value, at)),
    }),
  ),
  eventDays: number,
  exportedLogs: strings,
  compact: (value, at) => (value === true ? true : fail(at, 'true', value)),
};

const collectorInfo = object<CollectDocument['collector']>({
  version: string,
  psVersion: string,
  psEdition: string,
  seconds: number,
});

const computerInfo = object<CollectDocument['computer']>({
  name: string,
  domain: string,
  osCaption: string,
  osVersion: string,
  osBuild: integer,
  elevated: boolean,
});

const skippedChecks = arrayOf(
  object<CollectDocument['skipped'][number]>({
    check: string,
    reason: oneOf('not-elevated', 'cmdlet-missing', 'not-applicable', 'error'),
    detail: text,
  }),
);

function header<T>(decode: Decoder<T>, value: unknown, at: string): T {
  try {
    return decode(value, at);
  } catch (error) {
    if (error instanceof ShapeError)
      throw new CollectFormatError('not-collect', `collector document: ${error.message}`);
    throw error;
  }
}

/** Validates a parsed collector document; throws CollectFormatError when it is not one this reads. */
export function collectDocumentFrom(value: unknown, path: string): CollectReadResult {
  if (!isObject(value) || value.schema !== COLLECT_SCHEMA)
    throw new CollectFormatError(
      'not-collect',
      `not a collector document (schema is not '${COLLECT_SCHEMA}')`,
    );
  const version = value.schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > COLLECT_SCHEMA_VERSION)
    throw new CollectFormatError(
      'unsupported-version',
      `collector document schemaVersion ${version} is newer than this rdp-doctor reads (${COLLECT_SCHEMA_VERSION}): update rdp-doctor`,
    );
  if (version !== COLLECT_SCHEMA_VERSION)
    throw new CollectFormatError(
      'not-collect',
      `collector document: schemaVersion must be ${COLLECT_SCHEMA_VERSION}, got ${JSON.stringify(version)}`,
    );
  const damage: Damage[] = [];
  const note = (detail: string) => damage.push({ kind: 'damaged-section', offset: 0, detail });
  const document: Record<string, unknown> = {
    schema: COLLECT_SCHEMA,
    schemaVersion: COLLECT_SCHEMA_VERSION,
    role: header(oneOf('server', 'client'), value.role, 'role'),
    collector: header(collectorInfo, value.collector, 'collector'),
    collectedAt: header(string, value.collectedAt, 'collectedAt'),
    computer: header(computerInfo, value.computer, 'computer'),
  };

  try {
    document.skipped = skippedChecks(value.skipped ?? [], 'skipped');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    note(`${error.message} (section dropped)`);
    document.skipped = [];
  }

  // Key by key: a key dropped is not listed, so the rules take it as unknown, not as absent.
  const registry: CollectedRegistryKey[] = [];
  const listed = value.registry === undefined || value.registry === null ? [] : value.registry;
  if (!Array.isArray(listed)) note(`registry: expected an array (section dropped)`);
  else
    listed.forEach((item, index) => {
      try {
        registry.push(registryKey(item, `registry[${index}]`));
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        note(`${error.message} (key dropped)`);
      }
    });
  document.registry = registry;

  for (const [name, decode] of Object.entries(SECTIONS) as [Section, Decoder<unknown>][]) {
    const raw = value[name];
    if (raw === undefined) continue;
    if (raw === null) {
      document[name] = null;
      continue;
    }
    try {
      document[name] = decode(raw, name);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      note(`${error.message} (section dropped)`);
    }
  }

  const typed = document as unknown as CollectDocument;
  return {
    document: typed,
    registry: registry.map((key) => ({ ...key, source: path })),
    events: (typed.events ?? []).map((event) => ({ ...event, data: { ...event.data } })),
    damage,
  };
}

/** Parses and validates the text of a collector document. */
export function readCollectDocument(text: string, path: string): CollectReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CollectFormatError('not-collect', `malformed JSON: ${(error as Error).message}`);
  }
  return collectDocumentFrom(parsed, path);
}
