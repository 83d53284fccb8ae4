import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import type { ClipBox } from '../../../renderer/src/viewer/clipBox';
import { ClipBoxHandles, draggedBox, faceCentre } from '../../../renderer/src/viewer/clipBoxHandles';

const viewport = { width: 800, height: 600 };
const box: ClipBox = { min: [-10, -20, 0], max: [10, 20, 5] };

/** A z-up camera looking at the box centre from `eye`. */
function cameraAt(eye: [number, number, number]) {
  const camera = new THREE.PerspectiveCamera(55, viewport.width / viewport.height, 0.1, 5000);
  camera.up.set(0, 0, 1);
  camera.position.set(...eye);
  camera.lookAt(0, 0, 2.5);
  camera.updateMatrixWorld(true);
  return camera;
}

function screenOf(p: [number, number, number], camera: THREE.PerspectiveCamera): [number, number] {
  const v = new THREE.Vector3(...p).project(camera);
  return [((v.x + 1) / 2) * viewport.width, ((1 - v.y) / 2) * viewport.height];
}

describe('clip box handles', () => {
  const camera = cameraAt([-40, -60, 50]);

  it('a dragged face follows the pointer along its axis (perspective-correct) and moves nothing else', () => {
    const from = screenOf(faceCentre(box, 'x+'), camera);
    // Where the face centre would be with max x = 4: drag the handle there.
    const target = screenOf([4, 0, 2.5], camera);
    const next = draggedBox(box, 'x+', camera, viewport, from, target);
    expect(next.max[0]).toBeCloseTo(4, 6);
    expect(next.min).toEqual(box.min);
    expect(next.max.slice(1)).toEqual(box.max.slice(1));
  });

  it('a face never passes the opposite one', () => {
    const from = screenOf(faceCentre(box, 'x-'), camera);
    const far = screenOf([30, 0, 2.5], camera);
    const next = draggedBox(box, 'x-', camera, viewport, from, far);
    expect(next.min[0]).toBeLessThan(box.max[0]);
    expect(next.min[0]).toBeGreaterThan(box.max[0] - 0.1);
  });

  it('an axis seen end-on leaves the face where it is', () => {
    const top = cameraAt([0, 0, 80]);
    const from = screenOf(faceCentre(box, 'z+'), top);
    expect(draggedBox(box, 'z+', top, viewport, from, [from[0] + 50, from[1] + 30])).toEqual(box);
  });

  it('the body moves whole in the view plane: the box centre stays under the pointer', () => {
    const centre: [number, number, number] = [0, 0, 2.5];
    const from = screenOf(centre, camera);
    const to: [number, number] = [from[0] + 40, from[1] - 25];
    const next = draggedBox(box, 'body', camera, viewport, from, to);
    for (let k = 0; k < 3; k++) expect(next.max[k]! - next.min[k]!).toBeCloseTo(box.max[k]! - box.min[k]!, 9);
    const moved = screenOf([(next.min[0] + next.max[0]) / 2, (next.min[1] + next.max[1]) / 2, (next.min[2] + next.max[2]) / 2], camera);
    expect(moved[0]).toBeCloseTo(to[0], 3);
    expect(moved[1]).toBeCloseTo(to[1], 3);
  });

  it('hit-tests knobs first, then edges as the body, else nothing', () => {
    const handles = new ClipBoxHandles();
    handles.show(box);
    const [x, y] = screenOf(faceCentre(box, 'y-'), camera);
    expect(handles.hit(x + 3, y - 2, camera, viewport)).toBe('y-');
    // Midway along the edge from (min x, min y, min z) to (max x, min y, min z).
    const [ex, ey] = screenOf([0, -20, 0], camera);
    expect(handles.hit(ex, ey + 2, camera, viewport)).toBe('body');
    expect(handles.hit(2, 2, camera, viewport)).toBeNull();
    handles.show(null);
    expect(handles.hit(x, y, camera, viewport)).toBeNull();
    handles.dispose();
  });
});
