import * as THREE from 'three';

export type Vec3 = [number, number, number];

/** An axis-aligned clipping box in the scan frame: points and faces outside it are not drawn, picked or selected. */
export interface ClipBox {
  min: Vec3;
  max: Vec3;
}

/** The shader's "no clipping" bounds: far beyond any scan frame offset. */
export const NO_CLIP: ClipBox = { min: [-1e9, -1e9, -1e9], max: [1e9, 1e9, 1e9] };

export function insideClip(box: ClipBox, x: number, y: number, z: number): boolean {
  return x >= box.min[0] && x <= box.max[0] && y >= box.min[1] && y <= box.max[1] && z >= box.min[2] && z <= box.max[2];
}

/** Whether an octree node's cube (min corner, edge length) overlaps the box: nodes that do not are skipped whole. */
export function cubeTouchesClip(box: ClipBox, min: readonly number[], size: number): boolean {
  for (let k = 0; k < 3; k++) if (min[k]! > box.max[k]! || min[k]! + size < box.min[k]!) return false;
  return true;
}

/** A box with min <= max on every axis (numeric fields may be typed in any order). */
export function orderedClip(box: ClipBox): ClipBox {
  const min = [0, 1, 2].map((k) => Math.min(box.min[k]!, box.max[k]!)) as Vec3;
  const max = [0, 1, 2].map((k) => Math.max(box.min[k]!, box.max[k]!)) as Vec3;
  return { min, max };
}

/**
 * Bounds of the points (xyz triples) that pass `keep`, grown by `margin` on every side; null when none
 * does. `stride` samples every n-th point so fitting to a 2 M point view stays a short task.
 */
export function boundsOf(
  sources: readonly Float32Array[],
  keep: ((x: number, y: number, z: number) => boolean) | null = null,
  margin = 0,
  stride = 1,
): ClipBox | null {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of sources)
    for (let i = 0; i < p.length; i += 3 * stride) {
      const x = p[i]!;
      const y = p[i + 1]!;
      const z = p[i + 2]!;
      if (keep && !keep(x, y, z)) continue;
      if (x < min[0]) min[0] = x;
      if (y < min[1]) min[1] = y;
      if (z < min[2]) min[2] = z;
      if (x > max[0]) max[0] = x;
      if (y > max[1]) max[1] = y;
      if (z > max[2]) max[2] = z;
    }
  if (min[0] > max[0]) return null;
  return { min: min.map((v) => v - margin) as Vec3, max: max.map((v) => v + margin) as Vec3 };
}

/** The box's edges as a wireframe, so the user sees what clips. */
export class ClipBoxOutline {
  readonly object: THREE.LineSegments;

  constructor() {
    const geometry = new THREE.EdgesGeometry(new THREE.BoxGeometry(1, 1, 1));
    this.object = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: 0xffa94d, transparent: true, opacity: 0.8, depthTest: true }));
    this.object.visible = false;
    this.object.renderOrder = 2;
  }

  show(box: ClipBox | null) {
    this.object.visible = !!box;
    if (!box) return;
    this.object.position.set((box.min[0] + box.max[0]) / 2, (box.min[1] + box.max[1]) / 2, (box.min[2] + box.max[2]) / 2);
    this.object.scale.set(
      Math.max(1e-6, box.max[0] - box.min[0]),
      Math.max(1e-6, box.max[1] - box.min[1]),
      Math.max(1e-6, box.max[2] - box.min[2]),
    );
    this.object.updateMatrixWorld(true);
  }

  /** Brighter while the pointer is on an edge (dragging an edge moves the box). */
  setHighlight(on: boolean) {
    const m = this.object.material as THREE.LineBasicMaterial;
    m.color.setHex(on ? 0x4dabf7 : 0xffa94d);
    m.opacity = on ? 1 : 0.8;
  }

  dispose() {
    this.object.geometry.dispose();
    (this.object.material as THREE.Material).dispose();
  }
}
