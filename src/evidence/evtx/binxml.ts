import { DecodeError, type DecodeErrorKind, isDecodeError } from '../../wire/errors.js';
import type { EventRecord } from '../types.js';
import {
  type EventPlan,
  eventFromPlan,
  InstanceValues,
  NodeKind,
  nameAttribute,
  planEvent,
  type Substitution,
  type TemplateElement,
  type TemplateNode,
} from './template.js';
import { arrayItems, asBuffer, decodeUtf16, ValueType, valueFits, valueText } from './values.js';
import type { XmlAttribute, XmlElement, XmlNode } from './xml.js';

/**
 * Binary XML as EVTX stores it (libyal "Windows XML Event Log (EVTX) format", section 5
 * "Binary XML"; MS-EVEN6 2.2.12). Offsets of names and template definitions are relative to the
 * chunk, so a decoder works on one chunk's bytes and caches both per chunk.
 *
 * Token byte: low bits name the token, 0x40 says "more data follows" (attributes for an element
 * start, another attribute/value for the others).
 */
const Token = {
  END_OF_FRAGMENT: 0x00,
  OPEN_START_ELEMENT: 0x01,
  CLOSE_START_ELEMENT: 0x02,
  CLOSE_EMPTY_ELEMENT: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA_SECTION: 0x07,
  CHAR_REFERENCE: 0x08,
  ENTITY_REFERENCE: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBSTITUTION: 0x0d,
  OPTIONAL_SUBSTITUTION: 0x0e,
  FRAGMENT_HEADER: 0x0f,
} as const;
const MORE_FLAG = 0x40;

/** Deepest element/template nesting accepted: real events nest 4-6 levels; loops must end. */
const MAX_DEPTH = 64;

/** One substitution value of a template instance. */
interface SubstitutionValue {
  readonly type: number;
  /** Text form; '' for null. */
  readonly text: string;
  /** The decoded tree of a BinXML value. */
  readonly nodes: readonly XmlNode[] | undefined;
  /** The items of an array value. */
  readonly items: readonly string[] | undefined;
}

interface Cursor {
  pos: number;
  readonly end: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class ChunkBinXmlDecoder {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, readonly TemplateNode[]>();
  /** Event plans by template body; null: the template's records go through the XML tree. */
  private readonly plans = new Map<readonly TemplateNode[], EventPlan | null>();
  /** The values of the record being reduced by decodeEvent. */
  private readonly instance: InstanceValues;
  /** The chunk as a Buffer view (no copy): byte reads and native UTF-16 decoding. */
  private readonly bytes: Buffer;

  /**
   * @param bytes one chunk (64 KiB, or less when the file is cut short)
   * @param fileOffset where the chunk starts in the file, for error offsets
   */
  constructor(
    bytes: Uint8Array,
    private readonly fileOffset: number,
  ) {
    this.bytes = asBuffer(bytes);
    this.instance = new InstanceValues(this.bytes);
  }

  /** Decodes the BinXML of one record (chunk offsets [start, end)) into its top-level nodes. */
  decode(start: number, end: number): XmlNode[] {
    const cursor: Cursor = { pos: start, end: Math.min(end, this.bytes.length) };
    return this.materialize(this.parseContent(cursor, 0, false, false), undefined);
  }

  /**
   * The event record of one record's BinXML (eventRecordFromXml of what decode gives), built
   * from its template instance without the XML tree. Undefined when this path does not apply
   * (no template instance, a template without a plan) or the record is damaged: the caller
   * then goes through decode, which gives the same record or throws the canonical error.
   */
  decodeEvent(start: number, end: number, fallbackRecordId: number): EventRecord | undefined {
    try {
      return this.reduceEvent(start, end, fallbackRecordId);
    } catch (error) {
      if (isDecodeError(error)) return undefined;
      throw error;
    }
  }

  private reduceEvent(start: number, end: number, fallbackRecordId: number): EventRecord | undefined {
    const bytes = this.bytes;
    const cursor: Cursor = { pos: start, end: Math.min(end, bytes.length) };
    // decode's top level: fragment headers, one template instance, the end of the fragment.
    while (cursor.pos < cursor.end && (bytes[cursor.pos]! & ~MORE_FLAG) === Token.FRAGMENT_HEADER) {
      this.need(cursor, 4, 'fragment-header');
      cursor.pos += 4;
    }
    if (cursor.pos >= cursor.end || (bytes[cursor.pos]! & ~MORE_FLAG) !== Token.TEMPLATE_INSTANCE)
      return undefined;
    const template = this.templateOfInstance(cursor, 1);
    let plan = this.plans.get(template);
    if (plan === undefined) {
      plan = planEvent(template) ?? null;
      this.plans.set(template, plan);
    }
    if (plan === null) return undefined;
    const values = this.instance;
    this.readValues(cursor, 1, values, true);
    if (cursor.pos < cursor.end && (bytes[cursor.pos]! & ~MORE_FLAG) !== Token.END_OF_FRAGMENT)
      return undefined;
    return eventFromPlan(plan, values, fallbackRecordId);
  }

  /** parseTemplateInstance's value list, checked as it checks it, kept as byte ranges. */
  private readValues(cursor: Cursor, depth: number, values: InstanceValues, top: boolean): void {
    this.need(cursor, 4, 'value-count');
    const count = this.u32(cursor.pos);
    cursor.pos += 4;
    if (count * 4 > cursor.end - cursor.pos)
      this.fail('too-large', 'value-count', cursor.pos - 4, `${count} values`);
    const descriptorsAt = cursor.pos;
    cursor.pos += 4 * count;
    values.reset(count);
    for (let i = 0; i < count; i++) {
      const size = this.u16(descriptorsAt + 4 * i);
      const type = this.bytes[descriptorsAt + 4 * i + 2]!;
      this.need(cursor, size, 'value');
      const start = cursor.pos;
      cursor.pos += size;
      if (type === ValueType.BINXML) {
        // One BinXML value of the record (its EventData or UserData, as a rule) is kept as its
        // template and values, when it is one template instance; others become trees.
        if (top && values.fragment === undefined) {
          const body = this.readFragment(start, start + size, depth + 1, values.nested);
          if (body !== undefined) {
            values.set(i, type, start, start + size, undefined);
            values.fragment = body;
            values.fragmentSlot = i;
            continue;
          }
        }
        const inner: Cursor = { pos: start, end: start + size };
        const nodes = this.materialize(this.parseContent(inner, depth + 1, false, false), undefined);
        values.set(i, type, start, start + size, nodes);
        continue;
      }
      if ((type & ValueType.ARRAY) === 0 && !valueFits(type, this.bytes, start, start + size))
        this.fail('invalid-field', 'value', start, `type 0x${type.toString(16)} of ${size} byte(s)`);
      values.set(i, type, start, start + size, undefined);
    }
  }

  /**
   * A BinXML value [start, end) that is fragment headers, one template instance and the end of
   * the fragment: its template body, its values read into `into`. Undefined for any other shape
   * (parseContent then reads the value as it always does).
   */
  private readFragment(
    start: number,
    end: number,
    depth: number,
    into: InstanceValues,
  ): readonly TemplateNode[] | undefined {
    const bytes = this.bytes;
    const cursor: Cursor = { pos: start, end };
    while (cursor.pos < cursor.end && (bytes[cursor.pos]! & ~MORE_FLAG) === Token.FRAGMENT_HEADER) {
      this.need(cursor, 4, 'fragment-header');
      cursor.pos += 4;
    }
    if (cursor.pos >= cursor.end || (bytes[cursor.pos]! & ~MORE_FLAG) !== Token.TEMPLATE_INSTANCE)
      return undefined;
    // parseContent(depth) reads the instance at depth + 1.
    const template = this.templateOfInstance(cursor, depth + 1);
    this.readValues(cursor, depth + 1, into, false);
    if (cursor.pos < cursor.end && (bytes[cursor.pos]! & ~MORE_FLAG) !== Token.END_OF_FRAGMENT)
      return undefined;
    return template;
  }

  private fail(kind: DecodeErrorKind, field: string, offset: number, detail?: string): never {
    throw new DecodeError({
      structure: 'BinXml',
      kind,
      field,
      offset: this.fileOffset + offset,
      ...(detail !== undefined ? { detail } : {}),
    });
  }

  private need(cursor: Cursor, count: number, field: string): void {
    if (cursor.pos + count > cursor.end) {
      this.fail(
        'not-enough-bytes',
        field,
        cursor.pos,
        `need ${count} byte(s), ${cursor.end - cursor.pos} left`,
      );
    }
  }

  // Little-endian reads by byte arithmetic: no DataView per read. Callers check bounds first.
  private u16(offset: number): number {
    const bytes = this.bytes;
    return bytes[offset]! | (bytes[offset + 1]! << 8);
  }

  private u32(offset: number): number {
    const bytes = this.bytes;
    return (
      (bytes[offset]! |
        (bytes[offset + 1]! << 8) |
        (bytes[offset + 2]! << 16) |
        (bytes[offset + 3]! << 24)) >>>
      0
    );
  }

  /**
   * A name (libyal 5.2 "Name"): next-name offset (4), hash (2), character count (2), UTF-16LE
   * characters, NUL (2). Stored inline when its offset is where the cursor stands.
   */
  private name(offset: number, cursor: Cursor, field: string): string {
    const inline = offset === cursor.pos;
    let name = this.names.get(offset);
    if (name === undefined) {
      if (offset + 8 > this.bytes.length)
        this.fail('invalid-field', field, cursor.pos, `name offset ${offset} out of chunk`);
      const count = this.u16(offset + 6);
      const stop = offset + 8 + 2 * count;
      if (stop > this.bytes.length)
        this.fail('not-enough-bytes', field, offset, `name of ${count} characters`);
      name = decodeUtf16(this.bytes, offset + 8, stop);
      this.names.set(offset, name);
    }
    if (inline) {
      const size = 8 + 2 * this.u16(offset + 6) + 2;
      this.need(cursor, size, field);
      cursor.pos += size;
    }
    return name;
  }

  /** Content tokens up to the end of the fragment or the enclosing element's end tag. */
  private parseContent(
    cursor: Cursor,
    depth: number,
    inElement: boolean,
    inTemplate: boolean,
  ): TemplateNode[] {
    if (depth > MAX_DEPTH)
      this.fail('too-large', 'depth', cursor.pos, `more than ${MAX_DEPTH} nested levels`);
    const nodes: TemplateNode[] = [];
    while (cursor.pos < cursor.end) {
      const at = cursor.pos;
      const token = this.bytes[at]! & ~MORE_FLAG;
      switch (token) {
        case Token.END_OF_FRAGMENT:
          cursor.pos++;
          if (inElement) this.fail('invalid-field', 'token', at, 'end of fragment inside an element');
          return nodes;
        case Token.END_ELEMENT:
          if (!inElement) this.fail('unexpected-type', 'token', at, 'end tag without an element');
          cursor.pos++;
          return nodes;
        case Token.OPEN_START_ELEMENT:
          nodes.push(this.parseElement(cursor, depth + 1, inTemplate));
          break;
        case Token.VALUE:
          nodes.push(this.parseValueText(cursor));
          break;
        case Token.CDATA_SECTION: {
          this.need(cursor, 3, 'cdata');
          const size = 2 * this.u16(at + 1);
          this.need(cursor, 3 + size, 'cdata');
          nodes.push(decodeUtf16(this.bytes, at + 3, at + 3 + size));
          cursor.pos += 3 + size;
          break;
        }
        case Token.CHAR_REFERENCE:
          this.need(cursor, 3, 'char-reference');
          nodes.push(String.fromCharCode(this.u16(at + 1)));
          cursor.pos += 3;
          break;
        case Token.ENTITY_REFERENCE: {
          this.need(cursor, 5, 'entity-reference');
          cursor.pos += 5;
          const entity = this.name(this.u32(at + 1), cursor, 'entity-reference');
          nodes.push(ENTITIES[entity] ?? `&${entity};`);
          break;
        }
        case Token.PI_TARGET: {
          this.need(cursor, 5, 'pi-target');
          cursor.pos += 5;
          this.name(this.u32(at + 1), cursor, 'pi-target');
          break;
        }
        case Token.PI_DATA: {
          this.need(cursor, 3, 'pi-data');
          const size = 2 * this.u16(at + 1);
          this.need(cursor, 3 + size, 'pi-data');
          cursor.pos += 3 + size;
          break;
        }
        case Token.TEMPLATE_INSTANCE:
          nodes.push({ kind: NodeKind.RESOLVED, resolved: this.parseTemplateInstance(cursor, depth + 1) });
          break;
        case Token.NORMAL_SUBSTITUTION:
        case Token.OPTIONAL_SUBSTITUTION:
          this.need(cursor, 4, 'substitution');
          nodes.push({
            kind: NodeKind.SUBSTITUTION,
            substitution: this.u16(at + 1),
            optional: token === Token.OPTIONAL_SUBSTITUTION,
          });
          cursor.pos += 4;
          break;
        case Token.FRAGMENT_HEADER:
          // Fragment header: token, major version, minor version, flags.
          this.need(cursor, 4, 'fragment-header');
          cursor.pos += 4;
          break;
        default:
          this.fail(
            'unexpected-type',
            'token',
            at,
            `token 0x${this.bytes[at]!.toString(16).padStart(2, '0')}`,
          );
      }
    }
    if (inElement) this.fail('not-enough-bytes', 'element', cursor.pos, 'element not closed');
    return nodes;
  }

  /**
   * OpenStartElement: token (1), dependency id (2, only inside template definitions), data size
   * (4), name offset (4), [name], [attribute list size (4) and attributes when the 0x40 flag is
   * set], then CloseStartElement with content and EndElement, or CloseEmptyElement.
   * Template-less records (forwarded events) store elements without the dependency id; when the
   * expected layout gives an impossible name offset, the other layout is tried.
   */
  private parseElement(cursor: Cursor, depth: number, inTemplate: boolean): TemplateElement {
    const at = cursor.pos;
    this.need(cursor, 9, 'open-start-element');
    const hasAttributes = (this.bytes[at]! & MORE_FLAG) !== 0;
    let headerSize = inTemplate ? 11 : 9;
    if (
      !this.plausibleElement(at, headerSize, cursor.end) &&
      this.plausibleElement(at, 20 - headerSize, cursor.end)
    )
      headerSize = 20 - headerSize;
    this.need(cursor, headerSize, 'open-start-element');
    cursor.pos += headerSize;
    const name = this.name(this.u32(at + headerSize - 4), cursor, 'element-name');
    const attributes: { name: string; parts: (string | Substitution)[] }[] = [];
    if (hasAttributes) {
      this.need(cursor, 4, 'attribute-list-size');
      const listEnd = cursor.pos + 4 + this.u32(cursor.pos);
      cursor.pos += 4;
      if (listEnd > cursor.end)
        this.fail('not-enough-bytes', 'attribute-list', cursor.pos, 'list past the data');
      while (cursor.pos < listEnd) {
        const attributeAt = cursor.pos;
        if ((this.bytes[attributeAt]! & ~MORE_FLAG) !== Token.ATTRIBUTE) {
          this.fail(
            'unexpected-type',
            'attribute',
            attributeAt,
            `token 0x${this.bytes[attributeAt]!.toString(16)}`,
          );
        }
        this.need(cursor, 5, 'attribute');
        cursor.pos += 5;
        const attributeName = this.name(this.u32(attributeAt + 1), cursor, 'attribute-name');
        const parts: (string | Substitution)[] = [];
        while (cursor.pos < listEnd && (this.bytes[cursor.pos]! & ~MORE_FLAG) !== Token.ATTRIBUTE) {
          const part = this.parseAttributePart(cursor);
          parts.push(part);
        }
        attributes.push({ name: attributeName, parts });
      }
    }
    this.need(cursor, 1, 'close-element');
    const close = this.bytes[cursor.pos]!;
    cursor.pos++;
    if (close === Token.CLOSE_EMPTY_ELEMENT)
      return {
        kind: NodeKind.ELEMENT,
        name,
        attributes,
        children: [],
        nameAttribute: nameAttribute(attributes),
        dataPlan: undefined,
      };
    if (close !== Token.CLOSE_START_ELEMENT) this.fail('unexpected-type', 'close-element', cursor.pos - 1);
    return {
      kind: NodeKind.ELEMENT,
      name,
      attributes,
      children: this.parseContent(cursor, depth, true, inTemplate),
      nameAttribute: nameAttribute(attributes),
      dataPlan: undefined,
    };
  }

  /** Whether an element header of `headerSize` bytes at `at` ends in a possible name offset. */
  private plausibleElement(at: number, headerSize: number, end: number): boolean {
    if (at + headerSize > end) return false;
    const offset = this.u32(at + headerSize - 4);
    return offset === at + headerSize || (offset < at && offset + 8 <= this.bytes.length);
  }

  private parseAttributePart(cursor: Cursor): string | Substitution {
    const at = cursor.pos;
    const token = this.bytes[at]! & ~MORE_FLAG;
    if (token === Token.VALUE) return this.parseValueText(cursor);
    if (token === Token.NORMAL_SUBSTITUTION || token === Token.OPTIONAL_SUBSTITUTION) {
      this.need(cursor, 4, 'substitution');
      cursor.pos += 4;
      return {
        kind: NodeKind.SUBSTITUTION,
        substitution: this.u16(at + 1),
        optional: token === Token.OPTIONAL_SUBSTITUTION,
      };
    }
    if (token === Token.CHAR_REFERENCE) {
      this.need(cursor, 3, 'char-reference');
      cursor.pos += 3;
      return String.fromCharCode(this.u16(at + 1));
    }
    if (token === Token.ENTITY_REFERENCE) {
      this.need(cursor, 5, 'entity-reference');
      cursor.pos += 5;
      const entity = this.name(this.u32(at + 1), cursor, 'entity-reference');
      return ENTITIES[entity] ?? `&${entity};`;
    }
    return this.fail('unexpected-type', 'attribute-value', at, `token 0x${this.bytes[at]!.toString(16)}`);
  }

  /** Value text: token (1), value type (1, string), character count (2), UTF-16LE characters. */
  private parseValueText(cursor: Cursor): string {
    const at = cursor.pos;
    this.need(cursor, 4, 'value-text');
    const type = this.bytes[at + 1]!;
    if (type !== ValueType.STRING)
      this.fail('unexpected-type', 'value-text-type', at + 1, `type 0x${type.toString(16)}`);
    const size = 2 * this.u16(at + 2);
    this.need(cursor, 4 + size, 'value-text');
    cursor.pos += 4 + size;
    return decodeUtf16(this.bytes, at + 4, at + 4 + size);
  }

  /**
   * TemplateInstance: token (1), unknown (1), template id (4), definition offset (4); when the
   * definition is here: next offset (4), GUID (16), data size (4), body. Then the value count (4),
   * descriptors (size 2, type 1, padding 1) and the values back to back.
   *
   * This reads the header and the definition (parsed once per chunk); the cursor ends at the value count.
   */
  private templateOfInstance(cursor: Cursor, depth: number): readonly TemplateNode[] {
    if (depth > MAX_DEPTH)
      this.fail('too-large', 'depth', cursor.pos, `more than ${MAX_DEPTH} nested levels`);
    const at = cursor.pos;
    this.need(cursor, 10, 'template-instance');
    const definitionOffset = this.u32(at + 6);
    cursor.pos += 10;
    let template = this.templates.get(definitionOffset);
    if (definitionOffset === cursor.pos) {
      this.need(cursor, 24, 'template-definition');
      const size = this.u32(cursor.pos + 20);
      if (!template) template = this.parseTemplateDefinition(definitionOffset, depth);
      this.need(cursor, 24 + size, 'template-definition');
      cursor.pos += 24 + size;
    } else if (!template) {
      template = this.parseTemplateDefinition(definitionOffset, depth);
    }
    return template;
  }

  private parseTemplateInstance(cursor: Cursor, depth: number): XmlNode[] {
    const template = this.templateOfInstance(cursor, depth);
    this.need(cursor, 4, 'value-count');
    const count = this.u32(cursor.pos);
    cursor.pos += 4;
    if (count * 4 > cursor.end - cursor.pos)
      this.fail('too-large', 'value-count', cursor.pos - 4, `${count} values`);
    // Descriptors: size (2), type (1), padding (1); read in place, no object per descriptor.
    const descriptorsAt = cursor.pos;
    cursor.pos += 4 * count;
    const values: SubstitutionValue[] = [];
    for (let i = 0; i < count; i++) {
      const size = this.u16(descriptorsAt + 4 * i);
      const type = this.bytes[descriptorsAt + 4 * i + 2]!;
      this.need(cursor, size, 'value');
      const start = cursor.pos;
      cursor.pos += size;
      if (type === ValueType.BINXML) {
        const inner: Cursor = { pos: start, end: start + size };
        const nodes = this.materialize(this.parseContent(inner, depth + 1, false, false), undefined);
        values.push({ type, text: '', nodes, items: undefined });
        continue;
      }
      if (type & ValueType.ARRAY) {
        // INVARIANT: an array's text is its items joined with ',' (valueText does the same).
        const items = arrayItems(type, this.bytes, start, start + size);
        values.push({ type, text: items.join(','), nodes: undefined, items });
        continue;
      }
      const text = valueText(type, this.bytes, start, start + size);
      if (text === undefined)
        this.fail('invalid-field', 'value', start, `type 0x${type.toString(16)} of ${size} byte(s)`);
      values.push({ type, text, nodes: undefined, items: undefined });
    }
    return this.materialize(template, values);
  }

  private parseTemplateDefinition(offset: number, depth: number): readonly TemplateNode[] {
    if (offset + 24 > this.bytes.length) {
      this.fail(
        'invalid-field',
        'template-definition-offset',
        offset,
        'template definition is not in this chunk',
      );
    }
    const size = this.u32(offset + 20);
    const end = offset + 24 + size;
    if (end > this.bytes.length)
      this.fail('not-enough-bytes', 'template-definition', offset, `body of ${size} bytes`);
    // INVARIANT: cached before the body is parsed would allow self-reference; it is cached after.
    const body = this.parseContent({ pos: offset + 24, end }, depth + 1, false, true);
    this.templates.set(offset, body);
    return body;
  }

  /** Replaces substitution slots by their values: the XML Event Viewer renders. */
  private materialize(
    nodes: readonly TemplateNode[],
    values: readonly SubstitutionValue[] | undefined,
  ): XmlNode[] {
    const out: XmlNode[] = [];
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (typeof node === 'string') {
        out.push(node);
      } else if (node.kind === NodeKind.RESOLVED) {
        for (let r = 0; r < node.resolved.length; r++) out.push(node.resolved[r]!);
      } else if (node.kind === NodeKind.SUBSTITUTION) {
        const value = values?.[node.substitution];
        if (!value) continue;
        if (value.nodes) for (let v = 0; v < value.nodes.length; v++) out.push(value.nodes[v]!);
        else if (value.text !== '') out.push(value.text);
      } else if (!this.onlyEmptyOptional(node, values)) {
        const only = node.children.length === 1 ? node.children[0] : undefined;
        const items =
          only !== undefined && typeof only !== 'string' && only.kind === NodeKind.SUBSTITUTION
            ? values?.[only.substitution]?.items
            : undefined;
        if (!items) {
          out.push(this.materializeElement(node, values));
          continue;
        }
        // An array substitution as an element's whole content: one element per item.
        const element = this.materializeElement({ ...node, children: [] }, values);
        for (const item of items) out.push({ ...element, children: item === '' ? [] : [item] });
      }
    }
    return out;
  }

  /** An element whose content is only optional substitutions without a value is left out (as Event Viewer does). */
  private onlyEmptyOptional(
    element: TemplateElement,
    values: readonly SubstitutionValue[] | undefined,
  ): boolean {
    const children = element.children;
    if (children.length === 0) return false;
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      if (typeof child === 'string' || child.kind !== NodeKind.SUBSTITUTION || !child.optional) return false;
      const value = values?.[child.substitution];
      if (value && value.type !== ValueType.NULL) return false;
    }
    return true;
  }

  private materializeElement(
    element: TemplateElement,
    values: readonly SubstitutionValue[] | undefined,
  ): XmlElement {
    const attributes: XmlAttribute[] = [];
    for (let a = 0; a < element.attributes.length; a++) {
      const attribute = element.attributes[a]!;
      let text = '';
      let present = attribute.parts.length === 0;
      for (let p = 0; p < attribute.parts.length; p++) {
        const part = attribute.parts[p]!;
        if (typeof part === 'string') {
          text += part;
          present = true;
          continue;
        }
        const value = values?.[part.substitution];
        // An optional substitution without a value drops the attribute (Correlation, Security).
        if (!value || value.type === ValueType.NULL) {
          if (!part.optional) present = true;
          continue;
        }
        present = true;
        text += value.text;
      }
      if (present) attributes.push({ name: attribute.name, value: text });
    }
    return { name: element.name, attributes, children: this.materialize(element.children, values) };
  }
}
