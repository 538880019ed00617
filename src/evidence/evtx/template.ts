import type { EventRecord } from '../types.js';
import {
  addEventData as addEventDataXml,
  addUnique,
  collectLeaves,
  hasChildElement,
  normaliseTime,
} from './event.js';
import { arrayItems, ValueType, valueText } from './values.js';
import { attributeOf, textOf, type XmlElement, type XmlNode } from './xml.js';

/**
 * Template bodies (BinXML before substitution) and the direct path from a template instance to
 * its event record: the fields eventRecordFromXml reads, taken from the template and the
 * substitution values without building the XML tree. Every function here mirrors one
 * materialisation rule of ChunkBinXmlDecoder (binxml.ts) or one lookup of event.ts; the
 * differential tests (test/evidence/evtx-fast.test.ts, test-corpus/evtx.test.ts) hold them equal.
 */

/** A template's body before substitution: elements, text and substitution slots. */
export type TemplateNode = TemplateElement | string | Substitution | Resolved;

/**
 * INVARIANT: every non-text template node carries `kind`, so materialising switches on one
 * small integer (one hidden-class check) instead of probing properties with `in`.
 */
export const NodeKind = { ELEMENT: 0, SUBSTITUTION: 1, RESOLVED: 2 } as const;

/** Nodes already decoded (a nested template instance), passed through as they are. */
export interface Resolved {
  readonly kind: typeof NodeKind.RESOLVED;
  readonly resolved: readonly XmlNode[];
}
export interface TemplateElement {
  readonly kind: typeof NodeKind.ELEMENT;
  readonly name: string;
  readonly attributes: readonly {
    readonly name: string;
    readonly parts: readonly (string | Substitution)[];
  }[];
  readonly children: readonly TemplateNode[];
  /** The Name attribute's value when it needs no substitution (undefined: none), else null. */
  readonly nameAttribute: string | undefined | null;
  /** As an EventData element: its DataPlan once made (null: none applies), undefined before. */
  dataPlan: DataPlan | null | undefined;
}

/**
 * An EventData element whose children are all <Data Name="literal">{substitution}</Data> (or
 * text): its names and slots, read without the general walk. `distinct`: the names differ and
 * none is an Object.prototype property, so addUnique's duplicate check cannot fire until an
 * array repeats a name.
 */
interface DataPlan {
  readonly names: readonly string[];
  readonly slots: readonly Substitution[];
  readonly distinct: boolean;
}

function planData(element: TemplateElement): DataPlan | null {
  const names: string[] = [];
  const slots: Substitution[] = [];
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (child.kind !== NodeKind.ELEMENT || child.name !== 'Data') return null;
    const name = child.nameAttribute;
    if (typeof name !== 'string' || name === '' || child.children.length !== 1) return null;
    const only = child.children[0]!;
    if (typeof only === 'string' || only.kind !== NodeKind.SUBSTITUTION) return null;
    names.push(name);
    slots.push(only);
  }
  const empty = {};
  const distinct = new Set(names).size === names.length && names.every((name) => !(name in empty));
  return { names, slots, distinct };
}

/** addEventData for a planned EventData element (data is empty when it starts). */
function addPlannedData(plan: DataPlan, v: InstanceValues, data: Record<string, string>): void {
  const { names, slots } = plan;
  let direct = plan.distinct;
  for (let d = 0; d < slots.length; d++) {
    const slot = slots[d]!;
    const i = slot.substitution;
    // formOf of <Data>{slot}</Data>.
    if (slot.optional && !v.hasNonNull(i)) continue;
    if (v.isArray(i)) {
      const items = v.items(i);
      for (let n = 0; n < items.length; n++) addUnique(data, names[d]!, items[n]!);
      if (items.length > 0) direct = false;
      continue;
    }
    const text = textOfChild(slot, v);
    if (direct) data[names[d]!] = text;
    else addUnique(data, names[d]!, text);
  }
}
export interface Substitution {
  readonly kind: typeof NodeKind.SUBSTITUTION;
  readonly substitution: number;
  readonly optional: boolean;
}

/**
 * The substitution values of one template instance, as byte ranges: text is decoded only when
 * a field needs it. Reused from record to record (one per chunk decoder).
 */
export class InstanceValues {
  count = 0;
  private readonly types: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly texts: (string | undefined)[] = [];
  private readonly trees: (readonly XmlNode[] | undefined)[] = [];
  private readonly itemLists: (string[] | undefined)[] = [];

  /** The BinXML value kept as a template instance (see ChunkBinXmlDecoder.readFragment): its body, slot and values. */
  fragment: readonly TemplateNode[] | undefined = undefined;
  fragmentSlot = -1;
  private nestedValues: InstanceValues | undefined;

  constructor(private readonly bytes: Buffer) {}

  get nested(): InstanceValues {
    if (this.nestedValues === undefined) this.nestedValues = new InstanceValues(this.bytes);
    return this.nestedValues;
  }

  /** The template body value `i` materialises through (with `nested` values), if it is the kept fragment. */
  fragmentOf(i: number): readonly TemplateNode[] | undefined {
    return i === this.fragmentSlot ? this.fragment : undefined;
  }

  reset(count: number): void {
    this.count = count;
    this.fragment = undefined;
    this.fragmentSlot = -1;
    for (let i = 0; i < count; i++) {
      this.texts[i] = undefined;
      this.trees[i] = undefined;
      this.itemLists[i] = undefined;
    }
  }

  /** Value `i`: type and bytes [start, end); `tree` for a BinXML value. */
  set(i: number, type: number, start: number, end: number, tree: readonly XmlNode[] | undefined): void {
    this.types[i] = type;
    this.starts[i] = start;
    this.ends[i] = end;
    this.trees[i] = tree;
  }

  /** Whether slot `i` has a value (a value list holds `count` of them). */
  has(i: number): boolean {
    return i < this.count;
  }

  /** Present and not of the null type: what keeps optional attributes and elements. */
  hasNonNull(i: number): boolean {
    return i < this.count && this.types[i] !== ValueType.NULL;
  }

  /** The decoded tree of a BinXML value, else undefined. */
  tree(i: number): readonly XmlNode[] | undefined {
    return i < this.count ? this.trees[i] : undefined;
  }

  isArray(i: number): boolean {
    if (i >= this.count) return false;
    const type = this.types[i]!;
    return type !== ValueType.BINXML && (type & ValueType.ARRAY) !== 0;
  }

  /** The items of an array value (isArray). */
  items(i: number): string[] {
    let items = this.itemLists[i];
    if (items === undefined) {
      items = arrayItems(this.types[i]!, this.bytes, this.starts[i]!, this.ends[i]!);
      this.itemLists[i] = items;
    }
    return items;
  }

  /** Text form ('' for null and BinXML); INVARIANT: only for present values, checked when read. */
  text(i: number): string {
    let text = this.texts[i];
    if (text === undefined) {
      const type = this.types[i]!;
      if (type === ValueType.BINXML) text = '';
      else if (type & ValueType.ARRAY) text = this.items(i).join(',');
      else text = valueText(type, this.bytes, this.starts[i]!, this.ends[i]!) ?? '';
      this.texts[i] = text;
    }
    return text;
  }
}

/** How an element materialises: left out, once, or once per item of an array substitution. */
const DROPPED = 0;
const ONCE = 1;
const REPEATED = 2;

/** materialize's rule: an element whose content is only optional substitutions without a value is left out. */
function onlyEmptyOptional(element: TemplateElement, v: InstanceValues): boolean {
  const children = element.children;
  if (children.length === 0) return false;
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    if (typeof child === 'string' || child.kind !== NodeKind.SUBSTITUTION || !child.optional) return false;
    if (v.hasNonNull(child.substitution)) return false;
  }
  return true;
}

/** The array substitution that is an element's whole content, or -1. */
function arraySlot(element: TemplateElement, v: InstanceValues): number {
  if (element.children.length !== 1) return -1;
  const only = element.children[0]!;
  if (typeof only === 'string' || only.kind !== NodeKind.SUBSTITUTION) return -1;
  return v.isArray(only.substitution) ? only.substitution : -1;
}

function formOf(element: TemplateElement, v: InstanceValues): number {
  if (onlyEmptyOptional(element, v)) return DROPPED;
  const slot = arraySlot(element, v);
  if (slot < 0) return ONCE;
  return v.items(slot).length === 0 ? DROPPED : REPEATED;
}

/** Whether an element materialises exactly once whatever the values. */
function isStatic(element: TemplateElement): boolean {
  const children = element.children;
  if (children.length === 0) return true;
  if (children.length === 1) {
    const only = children[0]!;
    return typeof only === 'string' || only.kind !== NodeKind.SUBSTITUTION;
  }
  for (const child of children)
    if (typeof child === 'string' || child.kind !== NodeKind.SUBSTITUTION || !child.optional) return true;
  return false;
}

function textOfNodes(nodes: readonly XmlNode[]): string {
  let text = '';
  for (let n = 0; n < nodes.length; n++) text += textOf(nodes[n]!);
  return text;
}

/** textOf of the nodes `children` materialise to. */
function textOfChildren(children: readonly TemplateNode[], v: InstanceValues): string {
  // Most elements hold one text or one substitution: no concatenation.
  if (children.length === 1) return textOfChild(children[0]!, v);
  let text = '';
  for (let c = 0; c < children.length; c++) text += textOfChild(children[c]!, v);
  return text;
}

function textOfChild(child: TemplateNode, v: InstanceValues): string {
  if (typeof child === 'string') return child;
  if (child.kind === NodeKind.SUBSTITUTION) {
    const i = child.substitution;
    if (!v.has(i)) return '';
    const tree = v.tree(i);
    if (tree) return textOfNodes(tree);
    const body = v.fragmentOf(i);
    return body ? textOfChildren(body, v.nested) : v.text(i);
  }
  if (child.kind === NodeKind.RESOLVED) return textOfNodes(child.resolved);
  const form = formOf(child, v);
  if (form === DROPPED) return '';
  if (form === ONCE) return textOfChildren(child.children, v);
  return v.items(arraySlot(child, v)).join('');
}

/** textOf of an element in form ONCE, or of the first copy of a REPEATED one. */
function textOfElement(element: TemplateElement, form: number, v: InstanceValues): string {
  return form === REPEATED ? v.items(arraySlot(element, v))[0]! : textOfChildren(element.children, v);
}

/** attributeOf on the materialised element: the first attribute of that name that is kept. */
function attributeValue(element: TemplateElement, name: string, v: InstanceValues): string | undefined {
  const attributes = element.attributes;
  for (let a = 0; a < attributes.length; a++) {
    const attribute = attributes[a]!;
    if (attribute.name !== name) continue;
    const parts = attribute.parts;
    let text = '';
    let present = parts.length === 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      if (typeof part === 'string') {
        text += part;
        present = true;
        continue;
      }
      if (!v.hasNonNull(part.substitution)) {
        if (!part.optional) present = true;
        continue;
      }
      present = true;
      text += v.text(part.substitution);
    }
    if (present) return text;
  }
  return undefined;
}

/** TemplateElement.nameAttribute: attributeValue(element, 'Name') when it is the same for all values. */
export function nameAttribute(attributes: TemplateElement['attributes']): string | undefined | null {
  for (const attribute of attributes) {
    if (attribute.name !== 'Name') continue;
    // The first Name attribute decides when it is always kept: one without substitutions is.
    let text = '';
    for (const part of attribute.parts) {
      if (typeof part !== 'string') return null;
      text += part;
    }
    return text;
  }
  return undefined;
}

/** Where a template's event record comes from; only for templates whose Event and System never change shape. */
export interface EventPlan {
  readonly event: TemplateElement;
  readonly system: TemplateElement | undefined;
  readonly provider: readonly TemplateElement[];
  readonly eventId: readonly TemplateElement[];
  readonly recordId: readonly TemplateElement[];
  readonly channel: readonly TemplateElement[];
  readonly computer: readonly TemplateElement[];
  readonly timeCreated: readonly TemplateElement[];
}

/** Element children by name, or undefined when children other than elements and text could hold one. */
function candidates(children: readonly TemplateNode[]): Map<string, TemplateElement[]> | undefined {
  const byName = new Map<string, TemplateElement[]>();
  for (const child of children) {
    if (typeof child === 'string') continue;
    if (child.kind !== NodeKind.ELEMENT) return undefined;
    const list = byName.get(child.name);
    if (list) list.push(child);
    else byName.set(child.name, [child]);
  }
  return byName;
}

const NONE: readonly TemplateElement[] = [];

/**
 * A plan for a template body, or undefined when its shape depends on the values in ways the
 * plan does not follow (the record is then read through the XML tree): the body must be one
 * element that always materialises; its System child (the first element of that name) must
 * always materialise, come before any substitution, and hold only elements and text.
 * EventData and UserData are looked up per record (they are often a BinXML substitution).
 */
export function planEvent(body: readonly TemplateNode[]): EventPlan | undefined {
  if (body.length !== 1) return undefined;
  const event = body[0]!;
  if (typeof event === 'string' || event.kind !== NodeKind.ELEMENT || !isStatic(event)) return undefined;
  let system: TemplateElement | undefined;
  for (const child of event.children) {
    if (typeof child === 'string') continue;
    if (child.kind !== NodeKind.ELEMENT) break;
    if (child.name === 'System') {
      system = child;
      break;
    }
  }
  if (system === undefined) {
    // No System before the first substitution: only plannable when there is none at all.
    if (
      !candidates(event.children) ||
      event.children.some((c) => typeof c !== 'string' && c.kind === NodeKind.ELEMENT && c.name === 'System')
    )
      return undefined;
  } else if (!isStatic(system)) {
    return undefined;
  }
  const inSystem = system ? candidates(system.children) : new Map<string, TemplateElement[]>();
  if (!inSystem) return undefined;
  return {
    event,
    system,
    provider: inSystem.get('Provider') ?? NONE,
    eventId: inSystem.get('EventID') ?? NONE,
    recordId: inSystem.get('EventRecordID') ?? NONE,
    channel: inSystem.get('Channel') ?? NONE,
    computer: inSystem.get('Computer') ?? NONE,
    timeCreated: inSystem.get('TimeCreated') ?? NONE,
  };
}

/** How the element firstPresent or findChild found materialises. */
let foundForm = DROPPED;
/** The values the element findChild found materialises with (a kept fragment has its own). */
let foundValues: InstanceValues | undefined;
/** Set by findChild when the child it finds is a decoded element (from a BinXML value). */
let foundXml: XmlElement | undefined;

/**
 * childNamed over the children `children` materialise to: a template element (foundForm says
 * how it materialises) or, in foundXml, an element of a substituted tree; else neither.
 */
function findChild(
  children: readonly TemplateNode[],
  name: string,
  v: InstanceValues,
): TemplateElement | undefined {
  foundXml = undefined;
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    if (typeof child === 'string') continue;
    if (child.kind === NodeKind.ELEMENT) {
      if (child.name !== name) continue;
      const form = formOf(child, v);
      if (form === DROPPED) continue;
      foundForm = form;
      foundValues = v;
      return child;
    }
    const body = fragmentOf(child, v);
    if (body) {
      const found = findChild(body, name, v.nested);
      if (found || foundXml) return found;
      continue;
    }
    const nodes = nodesOf(child, v);
    if (!nodes) continue;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (typeof node !== 'string' && node.name === name) {
        foundXml = node;
        return undefined;
      }
    }
  }
  return undefined;
}

/** The template body a substitution materialises through (InstanceValues.fragmentOf), with v.nested. */
function fragmentOf(child: Substitution | Resolved, v: InstanceValues): readonly TemplateNode[] | undefined {
  return child.kind === NodeKind.SUBSTITUTION && v.has(child.substitution)
    ? v.fragmentOf(child.substitution)
    : undefined;
}

/** The decoded nodes a nested instance or a BinXML substitution stands for. */
function nodesOf(child: Substitution | Resolved, v: InstanceValues): readonly XmlNode[] | undefined {
  if (child.kind === NodeKind.RESOLVED) return child.resolved;
  return v.has(child.substitution) ? v.tree(child.substitution) : undefined;
}

/** The first of `elements` that materialises (childNamed); foundForm says how. */
function firstPresent(elements: readonly TemplateElement[], v: InstanceValues): TemplateElement | undefined {
  for (let e = 0; e < elements.length; e++) {
    const element = elements[e]!;
    const form = formOf(element, v);
    if (form !== DROPPED) {
      foundForm = form;
      return element;
    }
  }
  return undefined;
}

function elementText(elements: readonly TemplateElement[], v: InstanceValues): string | undefined {
  const element = firstPresent(elements, v);
  return element ? textOfElement(element, foundForm, v) : undefined;
}

/** eventRecordFromXml of the element this plan and these values materialise to. */
export function eventFromPlan(plan: EventPlan, v: InstanceValues, fallbackRecordId: number): EventRecord {
  let provider = '';
  let eventId = 0;
  let channel = '';
  let time = '';
  let recordId = fallbackRecordId;
  let computer = '';
  if (plan.system) {
    const providerElement = firstPresent(plan.provider, v);
    if (providerElement)
      provider =
        attributeValue(providerElement, 'Name', v) ??
        attributeValue(providerElement, 'EventSourceName', v) ??
        '';
    eventId = Number.parseInt(elementText(plan.eventId, v) ?? '', 10) || 0;
    channel = elementText(plan.channel, v) ?? '';
    const timeElement = firstPresent(plan.timeCreated, v);
    time = normaliseTime((timeElement ? attributeValue(timeElement, 'SystemTime', v) : undefined) ?? '');
    const recordIdText = (elementText(plan.recordId, v) ?? '').trim();
    if (/^\d+$/.test(recordIdText)) recordId = Number(recordIdText);
    computer = elementText(plan.computer, v) ?? '';
  } else {
    time = normaliseTime('');
  }
  const data: Record<string, string> = {};
  const children = plan.event.children;
  const eventData = findChild(children, 'EventData', v);
  if (eventData) {
    if (foundForm === ONCE) {
      if (eventData.dataPlan === undefined) eventData.dataPlan = planData(eventData);
      if (eventData.dataPlan !== null) addPlannedData(eventData.dataPlan, foundValues!, data);
      else addEventData(eventData.children, foundValues!, data, 0);
    }
  } else if (foundXml) {
    addEventDataXml(foundXml, data);
  }
  const userData = findChild(children, 'UserData', v);
  if (userData) {
    if (foundForm === ONCE) addLeaves(userData.children, foundValues!, data);
  } else if (foundXml) {
    collectLeaves(foundXml, data);
  }
  return { eventId, provider, channel, time, recordId, computer, data };
}

/** eventDataOf's EventData loop over the materialised children; returns the unnamed count. */
function addEventData(
  children: readonly TemplateNode[],
  v: InstanceValues,
  data: Record<string, string>,
  unnamedBefore: number,
): number {
  let unnamed = unnamedBefore;
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    if (typeof child === 'string') continue;
    if (child.kind === NodeKind.ELEMENT) {
      const form = formOf(child, v);
      if (form === DROPPED) continue;
      const name =
        child.name !== 'Data'
          ? child.name
          : child.nameAttribute !== null
            ? child.nameAttribute
            : attributeValue(child, 'Name', v);
      if (form === ONCE) {
        const text = textOfChildren(child.children, v);
        if (name) addUnique(data, name, text);
        else addUnique(data, `Data${++unnamed}`, text);
        continue;
      }
      const items = v.items(arraySlot(child, v));
      for (let i = 0; i < items.length; i++) {
        if (name) addUnique(data, name, items[i]!);
        else addUnique(data, `Data${++unnamed}`, items[i]!);
      }
      continue;
    }
    const body = fragmentOf(child, v);
    if (body) {
      unnamed = addEventData(body, v.nested, data, unnamed);
      continue;
    }
    const nodes = nodesOf(child, v);
    if (!nodes) continue;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (typeof node === 'string') continue;
      const name = node.name === 'Data' ? attributeOf(node, 'Name') : node.name;
      if (name) addUnique(data, name, textOf(node));
      else addUnique(data, `Data${++unnamed}`, textOf(node));
    }
  }
  return unnamed;
}

function addXmlLeaf(node: XmlElement, data: Record<string, string>): void {
  if (!hasChildElement(node)) addUnique(data, node.name, textOf(node));
  else collectLeaves(node, data);
}

/** Whether `children` materialise to at least one element (hasChildElement). */
function hasElementIn(children: readonly TemplateNode[], v: InstanceValues): boolean {
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    if (typeof child === 'string') continue;
    if (child.kind === NodeKind.ELEMENT) {
      if (formOf(child, v) !== DROPPED) return true;
      continue;
    }
    const body = fragmentOf(child, v);
    if (body) {
      if (hasElementIn(body, v.nested)) return true;
      continue;
    }
    const nodes = nodesOf(child, v);
    if (nodes) for (const node of nodes) if (typeof node !== 'string') return true;
  }
  return false;
}

/** collectLeaves over the materialised children. */
function addLeaves(children: readonly TemplateNode[], v: InstanceValues, data: Record<string, string>): void {
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    if (typeof child === 'string') continue;
    if (child.kind === NodeKind.ELEMENT) {
      const form = formOf(child, v);
      if (form === DROPPED) continue;
      if (form === REPEATED) {
        // Each copy holds one item's text: a leaf.
        const items = v.items(arraySlot(child, v));
        for (let i = 0; i < items.length; i++) addUnique(data, child.name, items[i]!);
      } else if (!hasElementIn(child.children, v)) {
        addUnique(data, child.name, textOfChildren(child.children, v));
      } else {
        addLeaves(child.children, v, data);
      }
      continue;
    }
    const body = fragmentOf(child, v);
    if (body) {
      addLeaves(body, v.nested, data);
      continue;
    }
    const nodes = nodesOf(child, v);
    if (!nodes) continue;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (typeof node !== 'string') addXmlLeaf(node, data);
    }
  }
}
