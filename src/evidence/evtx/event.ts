import type { EventRecord } from '../types.js';
import { attributeOf, childNamed, textOf, type XmlElement } from './xml.js';

/** Flattens an <Event> element (Event Viewer's schema) into the fields the rules read. */
export function eventRecordFromXml(event: XmlElement, fallbackRecordId = 0): EventRecord {
  const system = childNamed(event, 'System');
  const provider = system ? childNamed(system, 'Provider') : undefined;
  const eventIdElement = system ? childNamed(system, 'EventID') : undefined;
  const recordIdElement = system ? childNamed(system, 'EventRecordID') : undefined;
  const channelElement = system ? childNamed(system, 'Channel') : undefined;
  const computerElement = system ? childNamed(system, 'Computer') : undefined;
  const recordIdText = recordIdElement ? textOf(recordIdElement).trim() : '';
  return {
    eventId: Number.parseInt(eventIdElement ? textOf(eventIdElement) : '', 10) || 0,
    provider: attributeOf(provider, 'Name') ?? attributeOf(provider, 'EventSourceName') ?? '',
    channel: channelElement ? textOf(channelElement) : '',
    time: normaliseTime(
      attributeOf(system ? childNamed(system, 'TimeCreated') : undefined, 'SystemTime') ?? '',
    ),
    recordId: /^\d+$/.test(recordIdText) ? Number(recordIdText) : fallbackRecordId,
    computer: computerElement ? textOf(computerElement) : '',
    data: eventDataOf(event),
  };
}

/** "YYYY-MM-DDThh:mm:ss.fffffffZ": what normaliseTime gives, and gives back unchanged. */
const ISO_TIME_7 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

/** ISO 8601 UTC with up to 7 fraction digits (Event Viewer's form); other inputs unchanged. */
export function normaliseTime(text: string): string {
  // Already in that form (FILETIME values are): the regex below would give it back unchanged.
  if (ISO_TIME_7.test(text)) return text;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!match) return text;
  const [, whole, fraction = '', zone = 'Z'] = match;
  if (zone !== 'Z') {
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) return text;
    return `${date.toISOString().slice(0, 19)}.${fraction.padEnd(7, '0').slice(0, 7)}Z`;
  }
  return `${whole}.${fraction.padEnd(7, '0').slice(0, 7)}Z`;
}

export function addUnique(data: Record<string, string>, key: string, value: string): void {
  if (!(key in data)) {
    data[key] = value;
    return;
  }
  let n = 2;
  while (`${key}${n}` in data) n++;
  data[`${key}${n}`] = value;
}

export function hasChildElement(element: XmlElement): boolean {
  for (const child of element.children) if (typeof child !== 'string') return true;
  return false;
}

/** Leaf elements (no element children) under `element`, by name, depth first. */
export function collectLeaves(element: XmlElement, data: Record<string, string>): void {
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (!hasChildElement(child)) addUnique(data, child.name, textOf(child));
    else collectLeaves(child, data);
  }
}

/** EventData's children by Data/@Name (unnamed ones Data1, Data2 ... in order; others by element name). */
export function addEventData(eventData: XmlElement, data: Record<string, string>): void {
  let unnamed = 0;
  for (const child of eventData.children) {
    if (typeof child === 'string') continue;
    const name = child.name === 'Data' ? attributeOf(child, 'Name') : child.name;
    if (name) addUnique(data, name, textOf(child));
    else addUnique(data, `Data${++unnamed}`, textOf(child));
  }
}

/**
 * EventData/Data by Name (unnamed ones Data1, Data2 ... in order; Binary as Binary), or, for
 * UserData events, the leaf elements of its one child (e.g. EventXML/Param1).
 */
export function eventDataOf(event: XmlElement): Record<string, string> {
  const data: Record<string, string> = {};
  const eventData = childNamed(event, 'EventData');
  if (eventData) addEventData(eventData, data);
  const userData = childNamed(event, 'UserData');
  if (userData) collectLeaves(userData, data);
  return data;
}
