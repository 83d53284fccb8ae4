import { BadInputError } from '../../../errors';

/** The 48-byte E57 file header (ASTM E2807 section 9.3). All integers little-endian. */
export interface E57FileHeader {
  majorVersion: number;
  minorVersion: number;
  filePhysicalLength: number;
  xmlPhysicalOffset: number;
  xmlLogicalLength: number;
  pageSize: number;
}

export const E57_HEADER_SIZE = 48;
const SIGNATURE = 'ASTM-E57';

export function hasE57Signature(head: Uint8Array): boolean {
  if (head.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (head[i] !== SIGNATURE.charCodeAt(i)) return false;
  return true;
}

/** Reads a u64 that must fit a JS number exactly (file offsets and lengths). */
function u64(view: DataView, at: number, file: string, what: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadInputError(file, `${what} ${value} is out of range`, { byte: at });
  return Number(value);
}

export function parseFileHeader(bytes: Uint8Array, file: string, fileSize: number): E57FileHeader {
  if (bytes.length < E57_HEADER_SIZE)
    throw new BadInputError(file, `file is ${bytes.length} bytes, shorter than the 48-byte E57 header`, { byte: 0 });
  if (!hasE57Signature(bytes)) throw new BadInputError(file, `expected the signature "ASTM-E57"`, { byte: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, E57_HEADER_SIZE);
  const header: E57FileHeader = {
    majorVersion: view.getUint32(8, true),
    minorVersion: view.getUint32(12, true),
    filePhysicalLength: u64(view, 16, file, 'file physical length'),
    xmlPhysicalOffset: u64(view, 24, file, 'XML offset'),
    xmlLogicalLength: u64(view, 32, file, 'XML length'),
    pageSize: u64(view, 40, file, 'page size'),
  };
  if (header.majorVersion !== 1)
    throw new BadInputError(file, `unsupported E57 major version ${header.majorVersion} (expected 1)`, { byte: 8 });
  // The standard fixes the page at 1024 bytes (1020 payload + 4 checksum).
  if (header.pageSize !== 1024) throw new BadInputError(file, `page size ${header.pageSize}, expected 1024`, { byte: 40 });
  if (header.filePhysicalLength !== fileSize)
    throw new BadInputError(
      file,
      `header says the file is ${header.filePhysicalLength} bytes but it is ${fileSize} (truncated or padded)`,
      { byte: 16 },
    );
  if (header.filePhysicalLength % header.pageSize !== 0)
    throw new BadInputError(file, `file length ${header.filePhysicalLength} is not a whole number of ${header.pageSize}-byte pages`, {
      byte: 16,
    });
  if (header.xmlPhysicalOffset >= fileSize || header.xmlLogicalLength === 0)
    throw new BadInputError(file, `XML section at ${header.xmlPhysicalOffset} (length ${header.xmlLogicalLength}) lies outside the file`, {
      byte: 24,
    });
  return header;
}
