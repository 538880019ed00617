/**
 * The XML tree BinXML decodes to, and its rendering as the XML Event Viewer shows
 * ("Details > XML View", `wevtutil qe /f:xml`).
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
}

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
}

/** An element or text (text already has character and entity references resolved). */
export type XmlNode = XmlElement | string;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => ESCAPES[character]!);
}

/** Renders one element, compactly (no indentation), as Event Viewer's XML view stores it. */
export function renderXml(element: XmlElement): string {
  const attributes = element.attributes.map((a) => ` ${a.name}="${escapeXml(a.value)}"`).join('');
  if (element.children.length === 0) return `<${element.name}${attributes}/>`;
  const body = element.children.map((child) =>
    typeof child === 'string' ? escapeXml(child) : renderXml(child),
  );
  return `<${element.name}${attributes}>${body.join('')}</${element.name}>`;
}

/** All text directly and indirectly inside an element. */
export function textOf(node: XmlNode): string {
  if (typeof node === 'string') return node;
  // Most elements hold one text node: return it without building a new string.
  if (node.children.length === 1 && typeof node.children[0] === 'string') return node.children[0];
  let text = '';
  for (const child of node.children) text += textOf(child);
  return text;
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== 'string');
}

export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) if (typeof child !== 'string' && child.name === name) return child;
  return undefined;
}

export function attributeOf(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attributes.find((attribute) => attribute.name === name)?.value;
}
