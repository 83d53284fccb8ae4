import { crc32c } from '../../../../electron/services/scans/formats/e57/crc32c';

/**
 * Writes small E57 files for tests: any prototype of Float / Integer / ScaledInteger fields, several
 * posed scans, data packets split at odd byte counts so bit-packed values straddle packets, index
 * and empty packets in between, and correct page checksums.
 */

export type FieldSpec =
  | { name: string; type: 'Float'; precision: 'single' | 'double' }
  | { name: string; type: 'Integer'; minimum: number; maximum: number }
  | { name: string; type: 'ScaledInteger'; minimum: number; maximum: number; scale: number; offset: number };

export interface ScanSpec {
  name: string;
  fields: FieldSpec[];
  /** One row per record, one value per field: stored values (raw integers for ScaledInteger). */
  records: number[][];
  pose?: { rotation: [number, number, number, number]; translation: [number, number, number] };
  colorLimits?: [number, number];
  intensityLimits?: [number, number];
  cartesianBounds?: { min: [number, number, number]; max: [number, number, number] };
}

const PAGE = 1024;
const PAYLOAD = 1020;
const toPhysical = (logical: number) => Math.floor(logical / PAYLOAD) * PAGE + (logical % PAYLOAD);

function bitsFor(min: number, max: number): number {
  return max === min ? 0 : (max - min).toString(2).length;
}

/** One field's whole bytestream: floats little-endian, integers LSB-first bit-packed. */
function encodeField(field: FieldSpec, values: number[]): Uint8Array {
  if (field.type === 'Float') {
    const size = field.precision === 'single' ? 4 : 8;
    const out = new Uint8Array(values.length * size);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => (size === 4 ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
    return out;
  }
  const bits = bitsFor(field.minimum, field.maximum);
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  let pos = 0;
  for (const v of values) {
    let stored = BigInt(v - field.minimum);
    for (let b = 0; b < bits; b++, pos++, stored >>= 1n) if (stored & 1n) out[pos >>> 3]! |= 1 << (pos & 7);
  }
  return out;
}

function u64(view: DataView, at: number, value: number): void {
  view.setBigUint64(at, BigInt(value), true);
}

/** Bytes of one binary section (header + packets), placed at logical offset `at`. */
function encodeSection(scan: ScanSpec, at: number, packetSlice: number): Uint8Array {
  const streams = scan.fields.map((f, i) =>
    encodeField(
      f,
      scan.records.map((r) => r[i]!),
    ),
  );
  const packets: Uint8Array[] = [];
  const cursors = streams.map(() => 0);
  let first = true;
  while (cursors.some((c, i) => c < streams[i]!.length)) {
    if (!first) {
      // An index packet (16-byte header, no entries) and an empty packet, which readers must skip.
      const index = new Uint8Array(16);
      index[0] = 0;
      new DataView(index.buffer).setUint16(2, 15, true);
      packets.push(index);
      const empty = new Uint8Array(4);
      empty[0] = 2;
      new DataView(empty.buffer).setUint16(2, 3, true);
      packets.push(empty);
    }
    first = false;
    // Odd slice sizes per stream so values straddle packet boundaries.
    const slices = streams.map((s, i) => s.subarray(cursors[i]!, Math.min(s.length, cursors[i]! + packetSlice + i * 3)));
    slices.forEach((s, i) => (cursors[i]! += s.length));
    const headerLength = 6 + 2 * slices.length;
    const length = Math.ceil((headerLength + slices.reduce((n, s) => n + s.length, 0)) / 4) * 4;
    const packet = new Uint8Array(length);
    const view = new DataView(packet.buffer);
    packet[0] = 1;
    view.setUint16(2, length - 1, true);
    view.setUint16(4, slices.length, true);
    let o = headerLength;
    slices.forEach((s, i) => {
      view.setUint16(6 + 2 * i, s.length, true);
      packet.set(s, o);
      o += s.length;
    });
    packets.push(packet);
  }
  const total = 32 + packets.reduce((n, p) => n + p.length, 0);
  const section = new Uint8Array(total);
  const view = new DataView(section.buffer);
  section[0] = 1;
  u64(view, 8, total);
  u64(view, 16, toPhysical(at + 32));
  let o = 32;
  for (const p of packets) {
    section.set(p, o);
    o += p.length;
  }
  return section;
}

function fieldXml(f: FieldSpec): string {
  if (f.type === 'Float') return `<${f.name} type="Float" precision="${f.precision}"/>`;
  if (f.type === 'Integer') return `<${f.name} type="Integer" minimum="${f.minimum}" maximum="${f.maximum}"/>`;
  return `<${f.name} type="ScaledInteger" minimum="${f.minimum}" maximum="${f.maximum}" scale="${f.scale}" offset="${f.offset}"/>`;
}

function scanXml(scan: ScanSpec, physicalOffset: number): string {
  const pose = scan.pose
    ? `<pose type="Structure"><rotation type="Structure"><w type="Float">${scan.pose.rotation[0]}</w><x type="Float">${scan.pose.rotation[1]}</x><y type="Float">${scan.pose.rotation[2]}</y><z type="Float">${scan.pose.rotation[3]}</z></rotation><translation type="Structure"><x type="Float">${scan.pose.translation[0]}</x><y type="Float">${scan.pose.translation[1]}</y><z type="Float">${scan.pose.translation[2]}</z></translation></pose>`
    : '';
  const color = scan.colorLimits
    ? `<colorLimits type="Structure">${['Red', 'Green', 'Blue'].map((c) => `<color${c}Minimum type="Integer">${scan.colorLimits![0]}</color${c}Minimum><color${c}Maximum type="Integer">${scan.colorLimits![1]}</color${c}Maximum>`).join('')}</colorLimits>`
    : '';
  const intensity = scan.intensityLimits
    ? `<intensityLimits type="Structure"><intensityMinimum type="Integer">${scan.intensityLimits[0]}</intensityMinimum><intensityMaximum type="Integer">${scan.intensityLimits[1]}</intensityMaximum></intensityLimits>`
    : '';
  const b = scan.cartesianBounds;
  const bounds = b
    ? `<cartesianBounds type="Structure"><xMinimum type="Float">${b.min[0]}</xMinimum><xMaximum type="Float">${b.max[0]}</xMaximum><yMinimum type="Float">${b.min[1]}</yMinimum><yMaximum type="Float">${b.max[1]}</yMaximum><zMinimum type="Float">${b.min[2]}</zMinimum><zMaximum type="Float">${b.max[2]}</zMaximum></cartesianBounds>`
    : '';
  return `<vectorChild type="Structure"><name type="String"><![CDATA[${scan.name}]]></name>${pose}${color}${intensity}${bounds}<points type="CompressedVector" fileOffset="${physicalOffset}" recordCount="${scan.records.length}"><prototype type="Structure">${scan.fields.map(fieldXml).join('')}</prototype><codecs type="Vector" allowHeterogeneousChildren="1"/></points></vectorChild>`;
}

export function writeE57(scans: ScanSpec[], options: { packetSlice?: number } = {}): Uint8Array {
  const logical: Uint8Array[] = [new Uint8Array(48)];
  let at = 48;
  const sectionOffsets: number[] = [];
  for (const scan of scans) {
    sectionOffsets.push(toPhysical(at));
    const section = encodeSection(scan, at, options.packetSlice ?? 37);
    logical.push(section);
    at += section.length;
    const pad = (4 - (at % 4)) % 4;
    logical.push(new Uint8Array(pad));
    at += pad;
  }
  const xml = new TextEncoder().encode(
    `<?xml version="1.0" encoding="UTF-8"?>\n<e57Root type="Structure" xmlns="http://www.astm.org/COMMIT/E57/2010-e57-v1.0"><formatName type="String"><![CDATA[ASTM E57 3D Imaging Data File]]></formatName><guid type="String"><![CDATA[{test}]]></guid><versionMajor type="Integer">1</versionMajor><versionMinor type="Integer"/><data3D type="Vector" allowHeterogeneousChildren="1">${scans.map((s, i) => scanXml(s, sectionOffsets[i]!)).join('')}</data3D><images2D type="Vector" allowHeterogeneousChildren="1"/></e57Root>`,
  );
  const xmlPhysical = toPhysical(at);
  logical.push(xml);
  at += xml.length;
  const pages = Math.ceil(at / PAYLOAD);
  const file = new Uint8Array(pages * PAGE);
  const flat = new Uint8Array(pages * PAYLOAD);
  let o = 0;
  for (const part of logical) {
    flat.set(part, o);
    o += part.length;
  }
  const head = new DataView(flat.buffer);
  flat.set(new TextEncoder().encode('ASTM-E57'), 0);
  head.setUint32(8, 1, true);
  head.setUint32(12, 0, true);
  u64(head, 16, file.length);
  u64(head, 24, xmlPhysical);
  u64(head, 32, xml.length);
  u64(head, 40, PAGE);
  rechecksum(file, flat);
  return file;
}

/** Lays logical bytes into pages and writes each page's CRC-32C (big-endian). */
export function rechecksum(file: Uint8Array, logical: Uint8Array = logicalBytes(file)): Uint8Array {
  for (let p = 0; p * PAGE < file.length; p++) {
    file.set(logical.subarray(p * PAYLOAD, (p + 1) * PAYLOAD), p * PAGE);
    new DataView(file.buffer, file.byteOffset).setUint32(p * PAGE + PAYLOAD, crc32c(file, p * PAGE, p * PAGE + PAYLOAD), false);
  }
  return file;
}

/** The payload bytes of a paged file, checksums removed. */
export function logicalBytes(file: Uint8Array): Uint8Array {
  const pages = Math.floor(file.length / PAGE);
  const out = new Uint8Array(pages * PAYLOAD);
  for (let p = 0; p < pages; p++) out.set(file.subarray(p * PAGE, p * PAGE + PAYLOAD), p * PAYLOAD);
  return out;
}
