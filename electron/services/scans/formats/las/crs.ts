import type { LasVlr } from './vlr';

/**
 * Coordinate reference system from the LAS projection VLRs, as 'EPSG:<code>' (or
 * 'EPSG:<horizontal>+<vertical>') when an authority code is known, else the WKT text.
 */

interface WktNode {
  keyword: string;
  args: (WktNode | string)[];
}

/** Minimal WKT1/WKT2 tree parser: KEYWORD[arg, ...] with quoted strings, numbers, enums and nested nodes. */
function parseWkt(text: string): WktNode | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const node = (depth: number): WktNode | null => {
    if (depth > 64) return null;
    ws();
    const start = i;
    while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
    const keyword = text.slice(start, i).toUpperCase();
    ws();
    if (!keyword || (text[i] !== '[' && text[i] !== '(')) return null;
    const close = text[i] === '[' ? ']' : ')';
    i++;
    const args: (WktNode | string)[] = [];
    for (;;) {
      ws();
      const c = text[i];
      if (c === undefined) return null;
      if (c === close) {
        i++;
        return { keyword, args };
      }
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '"') {
        let s = '';
        i++;
        while (i < text.length) {
          if (text[i] === '"' && text[i + 1] === '"') {
            s += '"';
            i += 2;
          } else if (text[i] === '"') break;
          else s += text[i++];
        }
        if (text[i] !== '"') return null;
        i++;
        args.push(s);
        continue;
      }
      const save = i;
      while (i < text.length && /[^,\])[(\s]/.test(text[i]!)) i++;
      ws();
      if (text[i] === '[' || text[i] === '(') {
        i = save;
        const child = node(depth + 1);
        if (!child) return null;
        args.push(child);
      } else {
        if (i === save) return null;
        args.push(text.slice(save, i).trim());
      }
    }
  };
  const root = node(0);
  return root;
}

const CRS_KEYWORDS = new Set([
  'PROJCS',
  'GEOGCS',
  'GEOCCS',
  'VERT_CS',
  'COMPD_CS',
  'LOCAL_CS',
  'PROJCRS',
  'GEOGCRS',
  'GEODCRS',
  'GEODETICCRS',
  'GEOGRAPHICCRS',
  'PROJECTEDCRS',
  'VERTCRS',
  'VERTICALCRS',
  'COMPOUNDCRS',
  'BOUNDCRS',
  'ENGCRS',
  'ENGINEERINGCRS',
]);

/** The node's own EPSG code (direct AUTHORITY/ID child), if any. */
function epsgCode(n: WktNode): string | null {
  for (const a of n.args) {
    if (typeof a === 'string') continue;
    if ((a.keyword === 'AUTHORITY' || a.keyword === 'ID') && typeof a.args[0] === 'string' && a.args[0].toUpperCase() === 'EPSG') {
      const code = a.args[1];
      if (typeof code === 'string' && /^\d+$/.test(code)) return code;
    }
  }
  return null;
}

function codeOf(n: WktNode): string | null {
  const own = epsgCode(n);
  if (own) return own;
  if (n.keyword === 'COMPD_CS' || n.keyword === 'COMPOUNDCRS') {
    const parts = n.args.filter((a): a is WktNode => typeof a !== 'string' && CRS_KEYWORDS.has(a.keyword)).map(codeOf);
    if (parts.length >= 2 && parts.every((p) => p !== null)) return parts.join('+');
  }
  return null;
}

/** 'EPSG:n' when the WKT root carries an EPSG code, the WKT itself otherwise; null if it is not WKT. */
export function crsFromWkt(wkt: string): string | null {
  const text = wkt.replace(/\0+$/, '').trim();
  if (!/^[A-Za-z_0-9]+\s*[[(]/.test(text)) return null;
  const root = parseWkt(text);
  if (!root || !CRS_KEYWORDS.has(root.keyword)) return text;
  const code = codeOf(root);
  return code ? `EPSG:${code}` : text;
}

const GEOKEY_PROJECTED = 3072;
const GEOKEY_GEOGRAPHIC = 2048;
const GEOKEY_VERTICAL = 4096;
const USER_DEFINED = 32767;

/** Parses the GeoKeyDirectory (LASF_Projection 34735) into key -> inline value (only keys stored inline). */
export function geoKeys(directory: Uint8Array): Map<number, number> {
  const keys = new Map<number, number>();
  const dv = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  if (directory.length < 8) return keys;
  const count = dv.getUint16(6, true);
  for (let i = 0; i < count; i++) {
    const at = 8 + 8 * i;
    if (at + 8 > directory.length) break;
    const id = dv.getUint16(at, true);
    const location = dv.getUint16(at + 2, true);
    if (location === 0) keys.set(id, dv.getUint16(at + 6, true));
  }
  return keys;
}

const validCode = (v: number | undefined): v is number => v !== undefined && v !== 0 && v !== USER_DEFINED;

/** 'EPSG:n' (+vertical) from GeoTIFF keys, or null when the CRS is user-defined or absent. */
export function crsFromGeoKeys(directory: Uint8Array): string | null {
  const keys = geoKeys(directory);
  const horizontal = validCode(keys.get(GEOKEY_PROJECTED)) ? keys.get(GEOKEY_PROJECTED) : keys.get(GEOKEY_GEOGRAPHIC);
  if (!validCode(horizontal)) return null;
  const vertical = keys.get(GEOKEY_VERTICAL);
  return validCode(vertical) ? `EPSG:${horizontal}+${vertical}` : `EPSG:${horizontal}`;
}

const latin1 = new TextDecoder('latin1');

/** WKT payload of an OGC WKT VLR (LASF_Projection 2112; older liblas files use user id 'liblas'). */
export function wktText(vlrs: readonly LasVlr[]): string | null {
  const v =
    vlrs.find((r) => r.userId === 'LASF_Projection' && r.recordId === 2112 && r.data) ??
    vlrs.find((r) => r.userId === 'liblas' && r.recordId === 2112 && r.data);
  if (!v?.data) return null;
  const text = latin1
    .decode(v.data)
    .replace(/\0[\s\S]*$/, '')
    .trim();
  return text || null;
}

/**
 * The file's CRS: a WKT whose root names an EPSG code wins, then GeoTIFF keys with an EPSG code,
 * then the WKT text as is. (Some writers emit ESRI-style WKT without authority next to GeoTIFF
 * keys that do carry the code.)
 */
export function resolveCrs(vlrs: readonly LasVlr[]): { crs: string | null; source: 'wkt' | 'geotiff' | null } {
  const wkt = wktText(vlrs);
  const fromWkt = wkt ? crsFromWkt(wkt) : null;
  if (fromWkt?.startsWith('EPSG:')) return { crs: fromWkt, source: 'wkt' };
  const keys = vlrs.find((r) => r.userId === 'LASF_Projection' && r.recordId === 34735 && r.data);
  const fromKeys = keys?.data ? crsFromGeoKeys(keys.data) : null;
  if (fromKeys) return { crs: fromKeys, source: 'geotiff' };
  if (fromWkt) return { crs: fromWkt, source: 'wkt' };
  return { crs: null, source: null };
}
