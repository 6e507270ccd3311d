/**
 * Reads the measurements out of a DICOM SR, ours or another viewer's.
 *
 * Every TID 1501 measurement group (a CONTAINER "Measurement Group", wherever it sits) becomes
 * one `SrMeasurementGroup`: its tracking identifier and UID, finding and finding site, each
 * numeric item with its unit and derivation (e.g. "SUVbw (Mean)"), and the image its
 * coordinates point at. Numeric items outside any group (an Enhanced SR's "Diameter 1.5 cm")
 * are collected as one group named after the document, so nothing numeric is hidden.
 *
 * Groups written by a cornerstone-tools based viewer (ours, OHIF v2) are recognised by their
 * tracking identifier and turned back into drawable annotations with dcmjs's own adapter,
 * the inverse of what wrote them. Their points are in image pixels (SCOORD), so they can be
 * drawn again exactly; other viewers' groups are listed with their values.
 *
 * Runs in: the report worker (dcmjs is large and parsing is CPU work).
 */
import { createHash } from 'node:crypto';
import dcmjs, { type NaturalizedDataset } from 'dcmjs';
import { z } from 'zod';
import type { AnnotationTool, SrMeasurementGroup, SrMeasurementValue, SrTextSection } from '../../../shared/api';
import { dicomDateToIso } from '../../../shared/dicom/dates';
import { CORNERSTONE_TOOL_NAMES } from '../../../shared/viewer/annotationToolNames';
import { type ContentItem, concept, items, text } from './srContent';
import { annotationIdFromTrackingUid } from './trackingUid';

/** A measurement group that can be drawn again as one of our annotations. */
export interface RestorableAnnotation {
  id: string;
  sopInstanceUid: string;
  /** 0-based. */
  frame: number;
  tool: AnnotationTool;
  handles: Record<string, { x: number; y: number }>;
  label: string;
  measurement: Record<string, { value: number; unit: string }>;
  /** 'mm' when the report gave millimetres, 'px' when it gave pixels. */
  distanceUnit: 'mm' | 'px' | null;
}

export interface ReadMeasurementReport {
  sopInstanceUid: string;
  title: string;
  observer: string;
  /** YYYY-MM-DD, or '' when the document has no date. */
  contentDate: string;
  completed: boolean;
  verified: boolean;
  /** Groups that are not restorable (or not from a cornerstone-based viewer), with their values. */
  groups: SrMeasurementGroup[];
  /** The document's text by section (a diagnostic report's Findings, Impressions…). */
  sections: SrTextSection[];
  restorable: RestorableAnnotation[];
}

type Item = ContentItem;

function codeMeaning(item: Item): string {
  return text(items(item['ConceptCodeSequence'])[0]?.['CodeMeaning']);
}

const MEASUREMENT_GROUP = '125007';
const TRACKING_IDENTIFIER = '112039';
const TRACKING_UID = '112040';
const FINDING = '121071';
/** SNOMED CT and the retired SRT code for Finding Site. */
const FINDING_SITES = new Set(['363698007', 'G-C0E3']);
const DERIVATION = '121401';

/** UCUM codes shown the way the viewer shows them. */
const UNIT_DISPLAY: Record<string, string> = { mm2: 'mm²', "[hnsf'U]": 'HU', '1': 'px', deg: 'deg', '{pixels}': 'px' };

function unitOf(num: Item): string {
  const measured = items(num['MeasuredValueSequence'])[0] ?? {};
  const unit = items(measured['MeasurementUnitsCodeSequence'])[0] ?? {};
  const code = text(unit['CodeValue']);
  return UNIT_DISPLAY[code] ?? (code || text(unit['CodeMeaning']));
}

function numericValue(num: Item): number | null {
  const measured = items(num['MeasuredValueSequence'])[0];
  if (!measured) return null;
  const value = Number(text(measured['NumericValue']));
  return Number.isFinite(value) ? value : null;
}

/** A NUM item's name: its concept, with its derivation when it has one ("SUVbw (Mean)"). */
function numName(num: Item): string {
  const name = concept(num).meaning || 'Value';
  const derivation = items(num['ContentSequence']).find((child) => concept(child).value === DERIVATION);
  return derivation ? `${name} (${codeMeaning(derivation)})` : name;
}

/** The first image an item's coordinates (or an IMAGE reference) point at, anywhere below it. */
function referencedImage(item: Item, depth = 0): { sopInstanceUid: string; frame: number } | null {
  if (depth > 8) return null;
  for (const child of items(item['ContentSequence'])) {
    const reference = items(child['ReferencedSOPSequence'])[0];
    if (reference && (child['ValueType'] === 'IMAGE' || child['ValueType'] === 'SCOORD' || child['ValueType'] === undefined)) {
      const sopInstanceUid = text(reference['ReferencedSOPInstanceUID']);
      const frameNumber = Number(text(reference['ReferencedFrameNumber']) || 1);
      if (sopInstanceUid) return { sopInstanceUid, frame: Number.isInteger(frameNumber) && frameNumber > 0 ? frameNumber - 1 : 0 };
    }
    const below = referencedImage(child, depth + 1);
    if (below) return below;
  }
  return null;
}

function readGroup(group: Item): SrMeasurementGroup {
  const children = items(group['ContentSequence']);
  const values: SrMeasurementValue[] = [];
  for (const child of children) {
    if (child['ValueType'] !== 'NUM') continue;
    const value = numericValue(child);
    if (value !== null) values.push({ name: numName(child), value, unit: unitOf(child) });
  }
  const byCode = (code: string) => children.find((child) => concept(child).value === code);
  const trackingUid = text(byCode(TRACKING_UID)?.['UID']);
  const findingSite = children.find((child) => FINDING_SITES.has(concept(child).value));
  const finding = byCode(FINDING);
  return {
    trackingId: text(byCode(TRACKING_IDENTIFIER)?.['TextValue']),
    trackingUid,
    finding: finding ? codeMeaning(finding) : '',
    findingSite: findingSite ? codeMeaning(findingSite) : '',
    values,
    image: referencedImage(group),
  };
}

/** Every measurement group in the tree, in document order. */
function findGroups(item: Item, found: Item[], depth = 0): Item[] {
  if (depth > 16) return found;
  for (const child of items(item['ContentSequence'])) {
    if (child['ValueType'] === 'CONTAINER' && concept(child).value === MEASUREMENT_GROUP) found.push(child);
    else findGroups(child, found, depth + 1);
  }
  return found;
}

/** Numeric items outside measurement groups (free-form reports). */
function looseNumbers(item: Item, found: SrMeasurementValue[], depth = 0): SrMeasurementValue[] {
  if (depth > 16) return found;
  for (const child of items(item['ContentSequence'])) {
    if (child['ValueType'] === 'CONTAINER' && concept(child).value === MEASUREMENT_GROUP) continue;
    // Image library descriptors ("Pixel Data Rows") describe images, not findings.
    if (child['ValueType'] === 'NUM' && child['RelationshipType'] !== 'HAS ACQ CONTEXT') {
      const value = numericValue(child);
      if (value !== null) found.push({ name: numName(child), value, unit: unitOf(child) });
    }
    looseNumbers(child, found, depth + 1);
  }
  return found;
}

const TOOL_BY_ADAPTER_NAME = new Map(Object.entries(CORNERSTONE_TOOL_NAMES).map(([tool, name]) => [name, tool as AnnotationTool]));

/** Our measurement names for the SR's numeric concepts (what the viewer computes and shows). */
const MEASUREMENT_NAMES: Record<string, string> = {
  Length: 'length',
  Area: 'area',
  Mean: 'mean',
  'Standard Deviation': 'stdDev',
  Minimum: 'min',
  Maximum: 'max',
};

const uuid = z.string().uuid();

/** A stable id for a group that carries none of ours: the same report always restores the same ids. */
function derivedId(sopInstanceUid: string, index: number): string {
  const hex = createHash('sha256').update(`${sopInstanceUid}/${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function toRestorable(group: Item, read: SrMeasurementGroup, sopInstanceUid: string, index: number): RestorableAnnotation | null {
  const { MeasurementReport } = dcmjs.adapters.Cornerstone;
  const adapter = Object.values(MeasurementReport.CORNERSTONE_TOOL_CLASSES_BY_UTILITY_TYPE).find((candidate) => candidate?.isValidCornerstoneTrackingIdentifier(read.trackingId));
  const tool = adapter ? TOOL_BY_ADAPTER_NAME.get(adapter.toolType) : undefined;
  if (!adapter || !tool || !read.image) return null;
  let state: ReturnType<typeof adapter.getMeasurementData>;
  try {
    state = adapter.getMeasurementData(group);
  } catch {
    // A group that claims the tool but lacks its coordinates: listed, not drawn.
    return null;
  }
  const handles: RestorableAnnotation['handles'] = {};
  for (const [name, point] of Object.entries(state.handles ?? {})) {
    const x = Number(point?.x);
    const y = Number(point?.y);
    if (name !== 'textBox' && Number.isFinite(x) && Number.isFinite(y)) handles[name] = { x, y };
  }
  if (Object.keys(handles).length === 0) return null;
  // An ellipse goes into the report as its axes and comes back as some pair of opposite
  // corners of its box: put them back as the box's top-left and bottom-right.
  if ((tool === 'ellipseRoi' || tool === 'rectangleRoi') && handles['start'] && handles['end']) {
    const { start, end } = handles;
    handles['start'] = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y) };
    handles['end'] = { x: Math.max(start.x, end.x), y: Math.max(start.y, end.y) };
  }

  const measurement: RestorableAnnotation['measurement'] = {};
  let distanceUnit: RestorableAnnotation['distanceUnit'] = null;
  for (const value of read.values) {
    const bare = value.name.replace(/ \(.*\)$/, '');
    const name = tool === 'angle' || tool === 'cobbAngle' ? 'angle' : MEASUREMENT_NAMES[bare];
    if (!name || measurement[name]) continue;
    measurement[name] = { value: value.value, unit: value.unit };
    if (name === 'length' || name === 'area') distanceUnit = value.unit.startsWith('mm') ? 'mm' : 'px';
  }
  const id = annotationIdFromTrackingUid(read.trackingUid);
  return {
    id: id && uuid.safeParse(id).success ? id : derivedId(sopInstanceUid, index),
    sopInstanceUid: read.image.sopInstanceUid,
    frame: read.image.frame,
    tool,
    handles,
    label: tool === 'arrow' ? (read.finding ?? '') : '',
    measurement,
    distanceUnit,
  };
}

/** The readable text under an item: text, codes, numbers with units, names, one per line. */
function textUnder(item: Item, depth = 0): string[] {
  if (depth > 16) return [];
  const lines: string[] = [];
  for (const child of items(item['ContentSequence'])) {
    if (child['RelationshipType'] === 'HAS CONCEPT MOD' || child['RelationshipType'] === 'HAS OBS CONTEXT') continue;
    const valueType = child['ValueType'];
    if (valueType === 'TEXT') lines.push(text(child['TextValue']));
    else if (valueType === 'CODE') lines.push(`${concept(child).meaning}: ${codeMeaning(child)}`);
    else if (valueType === 'PNAME') lines.push(`${concept(child).meaning}: ${text(child['PersonName'])}`);
    else if (valueType === 'NUM') {
      const value = numericValue(child);
      if (value !== null) lines.push(`${numName(child)}: ${value} ${unitOf(child)}`.trim());
    }
    lines.push(...textUnder(child, depth + 1));
  }
  return lines.filter(Boolean);
}

/**
 * A report's text by section: each container under the root (Findings, Impressions…) and each
 * text item directly under it. Measurement groups and image libraries are not prose.
 */
function textSections(root: Item): SrTextSection[] {
  const sections: SrTextSection[] = [];
  for (const child of items(root['ContentSequence'])) {
    if (child['RelationshipType'] === 'HAS CONCEPT MOD' || child['RelationshipType'] === 'HAS OBS CONTEXT') continue;
    const { value: code, meaning } = concept(child);
    if (child['ValueType'] === 'CONTAINER') {
      if (code === '126010' || code === '111028' || code === MEASUREMENT_GROUP) continue;
      const lines = textUnder(child);
      if (lines.length > 0) sections.push({ title: meaning, text: lines.join('\n') });
    } else if (child['ValueType'] === 'TEXT' && text(child['TextValue'])) {
      sections.push({ title: meaning, text: text(child['TextValue']) });
    }
  }
  return sections;
}

/** The observer a report names: the verifying observer, else the person observer in its tree. */
function observerOf(dataset: NaturalizedDataset): string {
  const verifying = text(items(dataset['VerifyingObserverSequence'])[0]?.['VerifyingObserverName']);
  if (verifying) return verifying;
  const person = items(dataset['ContentSequence']).find((child) => child['ValueType'] === 'PNAME');
  return person ? text(person['PersonName']) : '';
}

export function readMeasurementReport(bytes: Uint8Array): ReadMeasurementReport {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const file = dcmjs.data.DicomMessage.readFile(buffer, { untilTag: undefined });
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  if (dataset['ValueType'] !== 'CONTAINER' || !dataset['ContentSequence']) throw new Error('not a structured report (no content tree)');
  const sopInstanceUid = text(dataset['SOPInstanceUID']);
  const root = dataset as Item;
  const groups: SrMeasurementGroup[] = [];
  const restorable: RestorableAnnotation[] = [];
  findGroups(root, []).forEach((group, index) => {
    const read = readGroup(group);
    const annotation = toRestorable(group, read, sopInstanceUid, index);
    if (annotation) restorable.push(annotation);
    else groups.push(read);
  });
  const title = concept(root).meaning || text(dataset['SeriesDescription']) || 'Structured report';
  const loose = looseNumbers(root, []);
  if (loose.length > 0) groups.push({ trackingId: title, trackingUid: '', finding: '', findingSite: '', values: loose, image: null });
  return {
    sopInstanceUid,
    title,
    observer: observerOf(dataset),
    contentDate: dicomDateToIso(text(dataset['ContentDate'])),
    completed: text(dataset['CompletionFlag']) === 'COMPLETE',
    verified: text(dataset['VerificationFlag']) === 'VERIFIED',
    groups,
    restorable,
    sections: textSections(root),
  };
}
