import { describe, expect, it } from 'vitest';
import { crsFromGeoKeys, crsFromWkt, geoKeys, resolveCrs } from '../../../electron/services/scans/formats/las/crs';
import type { LasVlr } from '../../../electron/services/scans/formats/las/vlr';

function keyDirectory(keys: [number, number, number, number][]): Uint8Array {
  const words = [1, 1, 0, keys.length, ...keys.flat()];
  const b = new Uint8Array(words.length * 2);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint16(2 * i, w, true));
  return b;
}

const vlr = (userId: string, recordId: number, data: Uint8Array): LasVlr => ({
  extended: false,
  userId,
  recordId,
  description: '',
  offset: 0,
  dataLength: data.length,
  raw: data,
  data,
});
const text = (s: string) => new TextEncoder().encode(s);

describe('crsFromWkt', () => {
  it('returns the root EPSG code of WKT1 and WKT2', () => {
    expect(crsFromWkt('PROJCS["NAD83 / BC Albers",GEOGCS["NAD83",AUTHORITY["EPSG","4269"]],AUTHORITY["EPSG","3005"]]')).toBe('EPSG:3005');
    expect(
      crsFromWkt(
        'PROJCRS["RGF93 / Lambert-93",BASEGEOGCRS["RGF93",ID["EPSG",4171]],CS[Cartesian,2,ID["EPSG",4499]],AXIS["Easting (X)",east],ID["EPSG",2154]]\0',
      ),
    ).toBe('EPSG:2154');
  });

  it('joins horizontal and vertical codes of a compound CRS without its own code', () => {
    const wkt =
      'COMPD_CS["unknown",PROJCS["A",AUTHORITY["EPSG","3005"]],VERT_CS["CGVD28",VERT_DATUM["x",2005,AUTHORITY["EPSG","5114"]],AXIS["Up",UP],AUTHORITY["EPSG","5713"]]]';
    expect(crsFromWkt(wkt)).toBe('EPSG:3005+5713');
  });

  it('keeps WKT without a root authority as text (nested codes are not the CRS code)', () => {
    const wkt =
      'PROJCS["NAD83_2011_Nebraska_ft",GEOGCS["GCS_NAD_1983_2011",DATUM["D",SPHEROID["GRS_1980",6378137,298.257222101]],AUTHORITY["EPSG","6318"]],UNIT["Foot_US",0.3048]]';
    expect(crsFromWkt(wkt + '\0')).toBe(wkt);
  });

  it('ignores payloads that are not WKT and survives malformed WKT', () => {
    expect(crsFromWkt("''")).toBeNull();
    expect(crsFromWkt('')).toBeNull();
    expect(crsFromWkt('PROJCS["unterminated",AUTHORITY["EPSG","1"]')).toBe('PROJCS["unterminated",AUTHORITY["EPSG","1"]');
    expect(crsFromWkt('PROJCS[' + '['.repeat(10000))).toMatch(/^PROJCS/);
  });
});

describe('GeoTIFF keys', () => {
  it('reads projected, geographic and vertical codes; skips user-defined ones', () => {
    expect(
      crsFromGeoKeys(
        keyDirectory([
          [1024, 0, 1, 1],
          [3072, 0, 1, 32104],
          [3076, 0, 1, 9003],
        ]),
      ),
    ).toBe('EPSG:32104');
    expect(
      crsFromGeoKeys(
        keyDirectory([
          [1024, 0, 1, 2],
          [2048, 0, 1, 4326],
        ]),
      ),
    ).toBe('EPSG:4326');
    expect(
      crsFromGeoKeys(
        keyDirectory([
          [3072, 0, 1, 3005],
          [4096, 0, 1, 5713],
        ]),
      ),
    ).toBe('EPSG:3005+5713');
    expect(
      crsFromGeoKeys(
        keyDirectory([
          [2048, 0, 1, 32767],
          [3072, 0, 1, 32767],
        ]),
      ),
    ).toBeNull();
    expect(crsFromGeoKeys(new Uint8Array(3))).toBeNull();
  });

  it('skips keys stored in the double/ascii tables and stops at a truncated directory', () => {
    const dir = keyDirectory([
      [3073, 34737, 27, 38],
      [3072, 0, 1, 26995],
    ]);
    expect([...geoKeys(dir).entries()]).toEqual([[3072, 26995]]);
    expect(geoKeys(dir.subarray(0, 20)).size).toBe(0);
  });
});

describe('resolveCrs', () => {
  const esriWkt = 'PROJCS["NAD83_2011_Nebraska_ft",UNIT["Foot_US",0.3048006096012192]]';
  const keys = keyDirectory([[3072, 0, 1, 32104]]);

  it('prefers a WKT with a code, then GeoTIFF codes, then WKT text', () => {
    const wktWithCode = text('PROJCRS["x",ID["EPSG",2154]]');
    expect(
      resolveCrs([vlr('LASF_Projection', 34735, keyDirectory([[3072, 0, 1, 2154]])), vlr('LASF_Projection', 2112, wktWithCode)]),
    ).toEqual({
      crs: 'EPSG:2154',
      source: 'wkt',
    });
    expect(resolveCrs([vlr('LASF_Projection', 34735, keys), vlr('LASF_Projection', 2112, text(esriWkt))])).toEqual({
      crs: 'EPSG:32104',
      source: 'geotiff',
    });
    expect(resolveCrs([vlr('LASF_Projection', 2112, text(esriWkt + '\0'))])).toEqual({ crs: esriWkt, source: 'wkt' });
    expect(resolveCrs([vlr('liblas', 2112, text(esriWkt))])).toEqual({ crs: esriWkt, source: 'wkt' });
    expect(resolveCrs([])).toEqual({ crs: null, source: null });
  });
});
