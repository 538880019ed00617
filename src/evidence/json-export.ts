import { eventFacts } from '../data/events/event-ids.js';
import { normaliseTime } from './evtx/event.js';
import { ExportFormatError } from './text-export.js';
import type { EventRecord } from './types.js';

/**
 * `Get-WinEvent ... | ConvertTo-Json` output: one object or an array of EventLogRecord objects
 * (Id, ProviderName, LogName, TimeCreated, RecordId, MachineName, Properties[{Value}]).
 * Properties are positional; known events get their field names from src/data/events.
 */

function timeOf(value: unknown): string {
  if (typeof value === 'string') {
    // Windows PowerShell 5.1: "/Date(1530902747017)/"
    const legacy = /\/Date\((-?\d+)\)\//.exec(value);
    if (legacy) return normaliseTime(new Date(Number(legacy[1])).toISOString());
    const date = new Date(value);
    return Number.isNaN(date.getTime())
      ? value
      : normaliseTime(value.endsWith('Z') ? value : date.toISOString());
  }
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return timeOf(object.value ?? object.DateTime ?? '');
  }
  return '';
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // SecurityIdentifier objects serialise with a Value property.
    if ('Value' in object) return text(object.Value);
    return JSON.stringify(value);
  }
  return String(value);
}

function recordFrom(object: Record<string, unknown>): EventRecord {
  const eventId = Number(object.Id ?? object.EventID ?? 0);
  const provider = text(object.ProviderName ?? object.Source ?? '');
  const fields = eventFacts(provider, eventId)?.fields;
  const data: Record<string, string> = {};
  const properties = Array.isArray(object.Properties) ? object.Properties : [];
  properties.forEach((property, index) => {
    const value =
      property && typeof property === 'object' ? (property as Record<string, unknown>).Value : property;
    data[fields?.[index] ?? `Data${index + 1}`] = text(value);
  });
  return {
    eventId,
    provider,
    channel: text(object.LogName ?? ''),
    time: timeOf(object.TimeCreated),
    recordId: Number(object.RecordId ?? 0),
    computer: text(object.MachineName ?? ''),
    data,
  };
}

export function parseJsonExport(source: string): EventRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ExportFormatError('not-json-export', `malformed JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (!items.every((item) => item && typeof item === 'object' && 'Id' in (item as object))) {
    throw new ExportFormatError('not-json-export', 'not Get-WinEvent output: objects without an Id');
  }
  return items.map((item) => recordFrom(item as Record<string, unknown>));
}
