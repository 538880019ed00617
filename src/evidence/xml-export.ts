import { XMLParser } from 'fast-xml-parser';
import { eventRecordFromXml } from './evtx/event.js';
import type { XmlElement, XmlNode } from './evtx/xml.js';
import { ExportFormatError } from './text-export.js';
import type { EventRecord } from './types.js';

export { decodeText, ExportFormatError } from './text-export.js';

/**
 * Event Viewer's XML: "Save All Events As... XML" (<Events><Event>...</Events>) and
 * `wevtutil qe LOG /f:xml` (bare <Event> elements one after another, no root).
 */

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
});

function toElement(node: OrderedNode): XmlElement | string | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (key === ':@') continue;
    if (key === '#text') return String(value);
    if (key === '#comment') return undefined;
    const children: XmlNode[] = [];
    for (const child of value as OrderedNode[]) {
      const converted = toElement(child);
      if (converted !== undefined) children.push(converted);
    }
    const attributes = Object.entries(node[':@'] ?? {})
      .filter(([name]) => name !== 'xmlns')
      .map(([name, attributeValue]) => ({ name, value: String(attributeValue) }));
    return {
      name: key,
      attributes,
      children: children.filter((c) => typeof c !== 'string' || c.trim() !== '' || children.length === 1),
    };
  }
  return undefined;
}

function findEvents(nodes: readonly XmlNode[], out: XmlElement[]): void {
  for (const node of nodes) {
    if (typeof node === 'string') continue;
    if (node.name === 'Event') out.push(node);
    else findEvents(node.children, out);
  }
}

export function parseXmlExport(text: string): EventRecord[] {
  const body = text.replace(/^\uFEFF/, '').replace(/<\?xml[^>]*\?>/, '');
  if (!/<Event[\s>]/.test(body))
    throw new ExportFormatError('not-xml-export', 'no <Event> element: not an Event Viewer XML export');
  let tree: OrderedNode[];
  try {
    tree = parser.parse(`<Root>${body}</Root>`) as OrderedNode[];
  } catch (error) {
    throw new ExportFormatError(
      'not-xml-export',
      `malformed XML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const roots = tree.map(toElement).filter((node): node is XmlElement | string => node !== undefined);
  const events: XmlElement[] = [];
  findEvents(roots, events);
  return events.map((event) => eventRecordFromXml(event));
}
