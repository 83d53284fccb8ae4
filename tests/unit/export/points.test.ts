import { describe, expect, it } from 'vitest';
import { colorByte, coordinatesOf, formatCoordinate } from '../../../electron/services/export/points';
import type { ScanInfo } from '../../../electron/services/scans/formats/types';

const info = (over: Partial<ScanInfo>): ScanInfo => ({
  format: 'xyz',
  version: '',
  pointCount: 1,
  faceCount: 0,
  boundsMin: [0, 0, 0],
  boundsMax: [10, 10, 10],
  origin: [0, 0, 0],
  attributes: [],
  crs: null,
  details: {},
  source: null,
  ...over,
});

describe('export coordinates', () => {
  it('recovers the exact LAS value offset + X_int * scale from float32 offsets', () => {
    const scale: [number, number, number] = [0.01, 0.01, 0.001];
    const offset: [number, number, number] = [500000, 4000000, 0];
    const steps: [number, number, number] = [1234567, 89, 1000];
    const c = coordinatesOf(
      info({ boundsMin: [510000, 4000000, 0], boundsMax: [520000, 4000010, 5], source: { format: 'las', scale, offset, originSteps: steps, positionsExact: [true, true, true] } }),
    );
    const xInt = 1234567 + 5001;
    const f = new Float32Array([(xInt - steps[0]) * scale[0], 0, 0]);
    expect(c.value(f, 0, 0)).toBe(offset[0] + xInt * scale[0]);
    expect(c.type).toBe('float64');
    expect(c.decimals).toBe(3); // the finest axis (z at 1 mm)
  });

  it('uses float32 for small local scenes and float32-stored sources, float64 for georeferenced text', () => {
    expect(coordinatesOf(info({})).type).toBe('float32');
    expect(coordinatesOf(info({ boundsMin: [600000, 0, 0], boundsMax: [600100, 1, 1] })).type).toBe('float64');
    const ply = { format: 'ply', elements: [{ name: 'vertex', properties: ['x', 'y', 'z'].map((name) => ({ name, type: 'float32' })) }] };
    expect(coordinatesOf(info({ boundsMin: [600000, 0, 0], boundsMax: [600100, 1, 1], source: ply })).type).toBe('float32');
  });

  it('formats text coordinates without trailing zeros', () => {
    expect(formatCoordinate(12.5, 2)).toBe('12.5');
    expect(formatCoordinate(674522, 2)).toBe('674522');
    expect(formatCoordinate(-0.0001, 2)).toBe('0');
    expect(formatCoordinate(1.23456789, 6)).toBe('1.234568');
  });

  it('maps colours to bytes', () => {
    const a = (type: 'uint8' | 'uint16' | 'float32') => ({ name: 'color', type, components: 3, values: new Uint8Array(0) });
    expect(colorByte(a('uint16'), 65535)).toBe(255);
    expect(colorByte(a('uint8'), 17)).toBe(17);
    expect(colorByte(a('float32'), 0.5)).toBe(128);
  });
});
