import { describe, expect, it } from 'vitest';
import { demoMeshScan, demoPointScan, demoPointScanAsync, DemoClass, DemoSurface } from '../../../electron/services/scans/demo/demoScene';

describe('procedural demo scene', () => {
  const scan = demoPointScan({ seed: 7, points: 60_000 });
  const cls = scan.attributes.find((a) => a.name === 'classification')!.values;
  const inst = scan.attributes.find((a) => a.name === 'instance')!.values;
  const surface = scan.attributes.find((a) => a.name === 'surface')!.values;

  it('is deterministic for a seed, sync and batched alike, and differs across seeds', async () => {
    const again = await demoPointScanAsync({ seed: 7, points: 60_000 });
    expect(Buffer.from(again.positions.buffer).equals(Buffer.from(scan.positions.buffer))).toBe(true);
    const other = demoPointScan({ seed: 8, points: 60_000 });
    expect(Buffer.from(other.positions.buffer).equals(Buffer.from(scan.positions.buffer))).toBe(false);
  });

  it('holds every object kind the issue asks for, with labels on their points', () => {
    const kinds = scan.demo.objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'building').length).toBeGreaterThanOrEqual(4);
    for (const k of ['tree', 'car', 'pole'] as const) expect(kinds.filter((x) => x === k).length).toBeGreaterThanOrEqual(3);
    const present = new Set(cls);
    expect(present).toEqual(new Set(Object.values(DemoClass)));
    // Every building has roof and facade points.
    for (const o of scan.demo.objects.filter((x) => x.kind === 'building')) {
      const parts = new Set<number>();
      for (let i = 0; i < scan.pointCount; i++) if (inst[i] === o.instance) parts.add(surface[i]!);
      expect(parts).toEqual(new Set([DemoSurface.roof, DemoSurface.facade]));
    }
  });

  it('places each instance around its object centre and keeps instance ids class-pure', () => {
    const classOf = new Map<number, number>();
    for (let i = 0; i < scan.pointCount; i++) {
      const prev = classOf.get(inst[i]!);
      if (prev !== undefined) expect(prev).toBe(cls[i]);
      classOf.set(inst[i]!, cls[i]!);
    }
    for (const o of scan.demo.objects.filter((x) => x.kind === 'car')) {
      let n = 0;
      for (let i = 0; i < scan.pointCount; i++) {
        if (inst[i] !== o.instance) continue;
        n++;
        const dx = scan.positions[i * 3]! - o.center[0];
        const dy = scan.positions[i * 3 + 1]! - o.center[1];
        expect(Math.hypot(dx, dy)).toBeLessThan(3);
      }
      expect(n).toBeGreaterThan(20);
    }
  });

  it('keeps georeferenced magnitudes in the float64 origin, float32 offsets stay small', () => {
    expect(scan.origin[0]).toBeGreaterThan(100_000);
    let maxAbs = 0;
    for (const v of scan.positions) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeLessThan(80);
  });

  it('has a textured mesh variant with per-face labels matching the point variant', () => {
    const mesh = demoMeshScan({ seed: 7 });
    const faces = mesh.mesh!.indices.length / 3;
    expect(mesh.mesh!.cornerUvs!.length).toBe(faces * 6);
    expect(mesh.mesh!.textures[0]!.rgba.length).toBe(512 * 512 * 4);
    const faceClass = mesh.labelLayers[0]!.values;
    expect(faceClass.length).toBe(faces);
    expect(new Set(faceClass)).toEqual(new Set(cls));
    for (const uv of mesh.mesh!.cornerUvs!) expect(uv >= 0 && uv <= 1).toBe(true);
  });
});
