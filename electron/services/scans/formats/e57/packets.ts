import { BadInputError } from '../../../errors';

/** CompressedVector binary section header (32 bytes) and packet layout, ASTM E2807 section 9.8. */
export interface SectionHeader {
  sectionLogicalLength: number;
  dataPhysicalOffset: number;
  indexPhysicalOffset: number;
}

export const SECTION_HEADER_SIZE = 32;
export const PACKET_HEADER_SIZE = 4;
export const PACKET_TYPE = { index: 0, data: 1, empty: 2 } as const;

function u64(view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

export function parseSectionHeader(bytes: Uint8Array, file: string, physicalOffset: number): SectionHeader {
  if (bytes[0] !== 1)
    throw new BadInputError(file, `expected a CompressedVector section (id 1), found section id ${bytes[0]}`, { byte: physicalOffset });
  const view = new DataView(bytes.buffer, bytes.byteOffset, SECTION_HEADER_SIZE);
  return { sectionLogicalLength: u64(view, 8), dataPhysicalOffset: u64(view, 16), indexPhysicalOffset: u64(view, 24) };
}

/** Type and total length of the packet whose first 4 bytes are given. */
export function packetHead(head: Uint8Array): { type: number; length: number } {
  return { type: head[0]!, length: (head[2]! | (head[3]! << 8)) + 1 };
}

/**
 * Splits a data packet into one byte slice per bytestream. Layout: type u8, flags u8,
 * length-1 u16, bytestreamCount u16, then bytestreamCount u16 buffer lengths, then the buffers.
 */
export function splitDataPacket(packet: Uint8Array, expectedStreams: number, file: string, physicalOffset: number): Uint8Array[] {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (packet.length < 6)
    throw new BadInputError(file, `data packet of ${packet.length} bytes is too short for its header`, { byte: physicalOffset });
  const count = view.getUint16(4, true);
  if (count !== expectedStreams)
    throw new BadInputError(file, `data packet has ${count} bytestreams, the prototype has ${expectedStreams} fields`, {
      byte: physicalOffset,
    });
  let at = 6 + 2 * count;
  if (at > packet.length) throw new BadInputError(file, `data packet buffer length table runs past the packet`, { byte: physicalOffset });
  const buffers: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = view.getUint16(6 + 2 * i, true);
    if (at + length > packet.length)
      throw new BadInputError(file, `bytestream ${i} (${length} bytes) runs past the end of its ${packet.length}-byte data packet`, {
        byte: physicalOffset,
      });
    buffers.push(packet.subarray(at, at + length));
    at += length;
  }
  return buffers;
}
