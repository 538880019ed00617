/**
 * Reads the collector's `-Compact` output where an admin saved it: the collector's stdout, or what
 * Azure Run Command returned around it. The summary line carries `document`: base64 of the gzip of
 * a reduced collector document (events left out, see collect-server.ps1), which is decoded with
 * caps and read like any collector document. The summary's own human-readable fields are not read.
 *
 * Run Command's answer is a list of instance-view statuses, one per stream (Microsoft Learn,
 * "Custom Script Extension for Windows", Troubleshoot: the same InstanceViewStatus substatuses):
 *   az vm run-command invoke (--output json, the default):
 *     {"value":[{"code":"ComponentStatus/StdOut/succeeded","displayStatus":"Provisioning succeeded",
 *                "level":"Info","message":"<stdout>","time":null},
 *               {"code":"ComponentStatus/StdErr/succeeded",...,"message":"<stderr>","time":null}]}
 *   Invoke-AzVMRunCommand ... | ConvertTo-Json (RunCommandResult): the same under "Value", with
 *     "Code"/"Message" (PascalCase) and Status/StartTime/... beside it.
 * Only the last 4,096 bytes of each stream come back, so the summary line is the last line.
 */
import { gunzipSync } from 'node:zlib';
import { COLLECT_SCHEMA } from './collect-document.js';
import { CollectFormatError, type CollectReadResult, collectDocumentFrom } from './read-collect.js';

export const COLLECT_SUMMARY_SCHEMA = 'rdp-doctor/collect-summary';

/** Run Command returns 4 KiB; a saved stdout may hold more, but never a document this large. */
export const MAX_EMBEDDED_BASE64_CHARS = 1024 * 1024;
/** What the embedded gzip may unpack to (a full document is a few MiB; the compact one ~10 KiB). */
export const MAX_EMBEDDED_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Where the summary line was found. */
export type CompactOrigin = 'run-command' | 'collector-output';

export interface CompactReadResult extends CollectReadResult {
  readonly origin: CompactOrigin;
  /** What Run Command's StdErr held beside a usable summary (warnings), first line only. */
  readonly stderr?: string;
}

const fail = (message: string): never => {
  throw new CollectFormatError('not-collect', message);
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field read case-insensitively: az writes `message`, Az PowerShell `Message`. */
function field(record: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

interface RunCommandStreams {
  readonly stdout: string;
  readonly stderr: string;
}

/** The StdOut and StdErr messages of a Run Command answer; undefined when `value` is not one. */
export function runCommandStreams(value: unknown): RunCommandStreams | undefined {
  if (!isObject(value)) return undefined;
  const statuses = field(value, 'value');
  if (!Array.isArray(statuses)) return undefined;
  const streams = { stdout: undefined as string | undefined, stderr: '' };
  let recognised = false;
  for (const status of statuses) {
    if (!isObject(status)) continue;
    const code = field(status, 'code');
    const message = field(status, 'message');
    if (typeof code !== 'string' || !code.toLowerCase().startsWith('componentstatus/')) continue;
    recognised = true;
    const text = typeof message === 'string' ? message : '';
    const stream = code.split('/')[1]?.toLowerCase();
    if (stream === 'stdout') streams.stdout = (streams.stdout ?? '') + text;
    else if (stream === 'stderr') streams.stderr += text;
  }
  if (!recognised) return undefined;
  if (streams.stdout === undefined)
    fail('Run Command output without a StdOut message (ComponentStatus/StdOut/...)');
  return { stdout: streams.stdout!, stderr: streams.stderr };
}

const firstLine = (text: string) => {
  const line = text.trim().split(/\r?\n/)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
};

/** The last line of `output` that parses as a collector summary. */
function lastSummaryLine(output: string): Record<string, unknown> | undefined {
  const lines = output.split(/\r?\n/);
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!.trim();
    if (!line.startsWith('{') || !line.includes(COLLECT_SUMMARY_SCHEMA)) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isObject(parsed) && parsed.schema === COLLECT_SUMMARY_SCHEMA) return parsed;
    } catch {
      // A line cut by Run Command's 4,096-byte window: look further up.
    }
  }
  return undefined;
}

function summaryIn(output: string, stderr: string): Record<string, unknown> {
  const summary = lastSummaryLine(output);
  if (summary) return summary;
  if (stderr.trim())
    fail(`no collector summary in the output; the script wrote to StdErr: ${firstLine(stderr)}`);
  // Run Command keeps the end of the output: a cut line has lost its start (the schema) first.
  if (output.includes(COLLECT_SUMMARY_SCHEMA) || output.includes('"document":"'))
    fail(
      'the collector summary line is cut or damaged (Run Command keeps only the last 4,096 bytes of output)',
    );
  return fail(
    `no collector summary line ({"schema":"${COLLECT_SUMMARY_SCHEMA}",...}) in the output: run the collector with -Compact`,
  );
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The embedded document, unpacked with caps on what goes in and what comes out. */
function embeddedDocument(summary: Record<string, unknown>): unknown {
  const encoded = summary.document;
  if (encoded === undefined) {
    const why = typeof summary.documentLeftOut === 'string' ? ` (${summary.documentLeftOut})` : '';
    return fail(
      `a collector summary (-Compact output) without an embedded document${why}: give the full document the collector wrote (-OutFile), or rerun a current collector`,
    );
  }
  if (typeof encoded !== 'string' || encoded.length === 0)
    return fail('the summary\'s "document" is not base64 text');
  if (encoded.length > MAX_EMBEDDED_BASE64_CHARS)
    return fail(
      `the summary's embedded document is longer than ${MAX_EMBEDDED_BASE64_CHARS} characters: refused`,
    );
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded))
    return fail("the summary's embedded document is not complete base64 (cut or damaged)");
  const packed = Buffer.from(encoded, 'base64');
  if (packed[0] !== 0x1f || packed[1] !== 0x8b)
    return fail("the summary's embedded document is not gzip data (damaged)");
  let unpacked: Buffer;
  try {
    unpacked = gunzipSync(packed, { maxOutputLength: MAX_EMBEDDED_DOCUMENT_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return fail(
        `the summary's embedded document unpacks to more than ${MAX_EMBEDDED_DOCUMENT_BYTES / (1024 * 1024)} MiB: refused`,
      );
    return fail(
      `the summary's embedded document is not a complete gzip stream (cut or damaged: ${(error as Error).message})`,
    );
  }
  try {
    return JSON.parse(unpacked.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(`the summary's embedded document is not JSON: ${(error as Error).message}`);
  }
}

function readSummary(summary: Record<string, unknown>, path: string): CollectReadResult {
  const document = embeddedDocument(summary);
  if (!isObject(document) || document.schema !== COLLECT_SCHEMA)
    fail(`the summary's embedded document is not a collector document (schema is not '${COLLECT_SCHEMA}')`);
  return collectDocumentFrom(document, path);
}

/**
 * Reads compact output: `parsed` is the file's JSON when it parses (a Run Command answer or the
 * summary line alone), else undefined and `text` is read as the collector's stdout.
 * Returns undefined when the input is none of these (the caller tries its other readers).
 */
export function readCompactOutput(
  parsed: unknown,
  text: string,
  path: string,
): CompactReadResult | undefined {
  if (isObject(parsed) && parsed.schema === COLLECT_SUMMARY_SCHEMA)
    return { ...readSummary(parsed, path), origin: 'collector-output' };
  const streams = runCommandStreams(parsed);
  if (streams) {
    const read = readSummary(summaryIn(streams.stdout, streams.stderr), path);
    return {
      ...read,
      origin: 'run-command',
      ...(streams.stderr.trim() ? { stderr: firstLine(streams.stderr) } : {}),
    };
  }
  if (parsed === undefined && text.includes(COLLECT_SUMMARY_SCHEMA))
    return { ...readSummary(summaryIn(text, ''), path), origin: 'collector-output' };
  return undefined;
}

/** A text file said to hold the collector's output (.txt, .log): a summary must be in it. */
export function readCollectorOutputText(text: string, path: string): CompactReadResult {
  const body = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return (
    readCompactOutput(parsed, body, path) ?? {
      ...readSummary(summaryIn(body, ''), path),
      origin: 'collector-output',
    }
  );
}
