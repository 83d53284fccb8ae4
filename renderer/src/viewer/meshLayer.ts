import * as THREE from 'three';
import type { MeshView } from '../../../common/contracts/scans';
import { CLASS_LUT_SIZE, LUT_ROW, UNLABELED } from './colorModes';
import type { PointMaterial } from './pointMaterial';
import { insideClip, type ClipBox } from './clipBox';

/** A mesh scan's arrays as fetched from its blobs (positions in the scan frame, per-face layers). */
export interface MeshArrays {
  positions: Float32Array;
  indices: Uint32Array;
  /** 6 per face, v DOWN from the image's top row (ScanMesh convention). */
  cornerUvs: Float32Array | null;
  /** Texture per face, -1 = none. */
  faceTexture: Int16Array | null;
  /** RGBA8, row 0 = top. */
  textures: { width: number; height: number; rgba: Uint8Array }[];
  /** The file's own classes per face (0xffff none). */
  classes: Uint16Array | null;
  labels: Uint16Array | null;
  predicted: Uint16Array | null;
  confidence: Uint8Array | null;
}

export type BlobFetcher = (path: string) => Promise<ArrayBuffer>;

/** Fetches every blob of a mesh view (textures included) in parallel. */
export async function fetchMesh(view: MeshView, fetchBlob: BlobFetcher): Promise<MeshArrays> {
  const opt = (p: string | undefined) => (p ? fetchBlob(p) : Promise.resolve(null));
  const b = view.blobs;
  const [positions, indices, uvs, faceTex, classes, labels, predicted, confidence, ...textures] = await Promise.all([
    fetchBlob(b.positions),
    fetchBlob(b.indices),
    opt(b.cornerUvs),
    opt(b.faceTexture),
    opt(b.faceClasses),
    opt(b.faceLabels),
    opt(b.facePredicted),
    opt(b.faceConfidence),
    ...view.textures.map((t) => fetchBlob(t.blob)),
  ]);
  return {
    positions: new Float32Array(positions),
    indices: new Uint32Array(indices),
    cornerUvs: uvs ? new Float32Array(uvs) : null,
    faceTexture: faceTex ? new Int16Array(faceTex) : null,
    textures: view.textures.map((t, i) => ({ width: t.width, height: t.height, rgba: new Uint8Array(textures[i]!) })),
    classes: classes ? new Uint16Array(classes) : null,
    labels: labels ? new Uint16Array(labels) : null,
    predicted: predicted ? new Uint16Array(predicted) : null,
    confidence: confidence ? new Uint8Array(confidence) : null,
  };
}

const vertexShader = /* glsl */ `
  in float labels;
  in float predicted;
  in float confidence;
  in float classification;
  in float highlight;
  out vec2 vUv;
  out vec3 vWorld;
  out float vZ;
  out vec3 vViewPos;
  flat out float vLabel;
  flat out float vPred;
  flat out float vConf;
  flat out float vClass;
  flat out float vHighlight;
  void main() {
    vec4 world = modelMatrix * vec4(position, 1.0);
    vec4 mv = viewMatrix * world;
    gl_Position = projectionMatrix * mv;
    vUv = uv;
    vZ = world.z;
    vWorld = world.xyz;
    vViewPos = mv.xyz;
    vLabel = labels;
    vPred = predicted;
    vConf = confidence;
    vClass = classification;
    vHighlight = highlight;
  }
`;

const fragmentShader = /* glsl */ `
  precision highp float;
  uniform sampler2D map;
  uniform bool hasMap;
  uniform sampler2D classLut;
  uniform int mode;
  uniform vec2 zRange;
  uniform vec2 zClip;
  uniform vec3 clipMin;
  uniform vec3 clipMax;
  uniform float isolate;
  uniform float flash;
  uniform float opacity;
  uniform vec3 tint;
  in vec2 vUv;
  in vec3 vWorld;
  in float vZ;
  in vec3 vViewPos;
  flat in float vLabel;
  flat in float vPred;
  flat in float vConf;
  flat in float vClass;
  flat in float vHighlight;
  out vec4 outColor;

  vec4 lut(float code, int row) {
    return texelFetch(classLut, ivec2(int(min(code, float(${CLASS_LUT_SIZE - 1}))), row), 0);
  }
  vec3 ramp(float t) {
    t = clamp(t, 0.0, 1.0);
    vec3 a = vec3(0.267, 0.005, 0.329);
    vec3 b = vec3(0.128, 0.567, 0.551);
    vec3 c = vec3(0.993, 0.906, 0.144);
    return t < 0.5 ? mix(a, b, t * 2.0) : mix(b, c, t * 2.0 - 1.0);
  }

  void main() {
    if (vZ < zClip.x || vZ > zClip.y) discard;
    if (any(lessThan(vWorld, clipMin)) || any(greaterThan(vWorld, clipMax))) discard;
    vec3 base;
    if (hasMap) {
      // uvs run v down from the image's top row, and the texture's first row is that top row: no flip.
      base = texture(map, vUv).rgb;
    } else {
      vec3 n = normalize(cross(dFdx(vViewPos), dFdy(vViewPos)));
      base = vec3(0.75) * (0.35 + 0.65 * abs(n.z));
    }
    bool labeled = vLabel < 65534.5;
    vec3 col = base;
    // Modes follow COLOR_MODES: 0 rgb, 1 intensity, 2 elevation, 3 labels, 4 predicted, 5 confidence,
    // 6 unlabeled only, 7 source classes. The texture stays visible under the label overlay.
    if (mode == 2) {
      col = ramp((vZ - zRange.x) / max(1e-6, zRange.y - zRange.x));
    } else if (mode == 3 || mode == 4) {
      float code = labeled ? vLabel : (mode == 4 ? vPred : 65535.0);
      if (code < 65534.5) {
        vec4 c = lut(code, ${LUT_ROW.labels});
        if (c.a < 0.5) discard;
        col = mix(base, c.rgb, opacity * (labeled ? 1.0 : 0.35 + 0.65 * vConf));
      }
    } else if (mode == 5) {
      if (labeled) col = mix(base, vec3(0.95), opacity);
      else if (vPred < 65534.5) col = mix(base, mix(vec3(0.9, 0.15, 0.1), vec3(0.15, 0.85, 0.3), vConf), opacity);
    } else if (mode == 6) {
      if (labeled) discard;
    } else if (mode == 7 && vClass < 65534.5) {
      vec4 c = lut(vClass, ${LUT_ROW.source});
      if (c.a < 0.5) discard;
      col = mix(base, c.rgb, opacity);
    }
    if (isolate >= 0.0 && (mode == 3 || mode == 4)) {
      float shown = labeled ? vLabel : vPred;
      if (abs(shown - isolate) > 0.5) discard;
    }
    if (flash > 0.0 && !labeled && (vPred > 65534.5 || vConf < 0.5)) col = mix(col, vec3(1.0, 0.1, 0.85), flash);
    if (vHighlight > 0.5) col = mix(col, tint, 0.6);
    outColor = vec4(col, 1.0);
  }
`;

/** What picking and selection may hit: mirrors what the shader discards. */
export interface FaceFilter {
  mode: number;
  hidden: ReadonlySet<number>;
  isolate: number | null;
  slice: [number, number] | null;
  clip: ClipBox | null;
}

/**
 * A textured mesh as one three.js object: non-indexed triangles built from the per-corner uvs (seams
 * need no welding), one material per texture (geometry groups), per-face label layers as flat
 * attributes mixed over the texture with an adjustable opacity (unlabeled faces show the texture
 * alone). Positions are re-centred on the mesh's own middle in float64 and the object is placed
 * there, so vertex values stay small whatever the scan's coordinates: no jitter at UTM scale.
 */
export class MeshLayer {
  readonly object: THREE.Mesh;
  readonly faceCount: number;
  /** Face centroids in the scan frame (box/lasso selection projects these). */
  readonly centroids: Float32Array;
  labels: Uint16Array;
  predicted: Uint16Array;
  confidence: Uint8Array;
  readonly classes: Uint16Array | null;
  /** Draw slot -> face index (faces are grouped by texture). */
  private readonly order: Uint32Array;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly materials: THREE.ShaderMaterial[] = [];
  private readonly textures: THREE.DataTexture[] = [];
  private readonly own = { opacity: { value: 0.5 }, tint: { value: new THREE.Color(0x00e5ff) } };

  constructor(data: MeshArrays, shared: PointMaterial) {
    const faces = data.indices.length / 3;
    this.faceCount = faces;
    const P = data.positions;
    this.labels = data.labels ?? new Uint16Array(faces).fill(UNLABELED);
    this.predicted = data.predicted ?? new Uint16Array(faces).fill(UNLABELED);
    this.confidence = data.confidence ?? new Uint8Array(faces);
    this.classes = data.classes;

    // Local origin: the middle of the bounds, taken in float64.
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < P.length; i += 3)
      for (let k = 0; k < 3; k++) {
        const v = P[i + k]!;
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
    const centre = P.length ? [0, 1, 2].map((k) => (min[k]! + max[k]!) / 2) : [0, 0, 0];

    // Faces grouped by texture (-1 = untextured goes last), as contiguous draw ranges.
    const groups = data.textures.length + 1;
    const texOf = (f: number) => {
      const t = data.faceTexture ? data.faceTexture[f]! : data.textures.length ? 0 : -1;
      return t >= 0 && t < data.textures.length && data.cornerUvs ? t : data.textures.length;
    };
    const counts = new Uint32Array(groups);
    for (let f = 0; f < faces; f++) counts[texOf(f)]!++;
    const offsets = new Uint32Array(groups);
    for (let g = 1; g < groups; g++) offsets[g] = offsets[g - 1]! + counts[g - 1]!;
    this.order = new Uint32Array(faces);
    const fill = offsets.slice();
    for (let f = 0; f < faces; f++) this.order[fill[texOf(f)]!++] = f;

    const pos = new Float32Array(faces * 9);
    const uv = new Float32Array(faces * 6);
    this.centroids = new Float32Array(faces * 3);
    for (let s = 0; s < faces; s++) {
      const f = this.order[s]!;
      for (let c = 0; c < 3; c++) {
        const v = data.indices[f * 3 + c]!;
        for (let k = 0; k < 3; k++) {
          pos[s * 9 + c * 3 + k] = P[v * 3 + k]! - centre[k]!;
          this.centroids[f * 3 + k] = this.centroids[f * 3 + k]! + P[v * 3 + k]! / 3;
        }
        if (data.cornerUvs) {
          uv[s * 6 + c * 2] = data.cornerUvs[f * 6 + c * 2]!;
          uv[s * 6 + c * 2 + 1] = data.cornerUvs[f * 6 + c * 2 + 1]!;
        }
      }
    }
    const g = this.geometry;
    g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    g.setAttribute('uv', new THREE.BufferAttribute(uv, 2));
    g.setAttribute('labels', new THREE.BufferAttribute(new Uint16Array(faces * 3), 1));
    g.setAttribute('predicted', new THREE.BufferAttribute(new Uint16Array(faces * 3), 1));
    g.setAttribute('confidence', new THREE.BufferAttribute(new Uint8Array(faces * 3), 1, true));
    g.setAttribute('classification', new THREE.BufferAttribute(new Uint16Array(faces * 3), 1));
    g.setAttribute('highlight', new THREE.BufferAttribute(new Uint8Array(faces * 3), 1, true));
    this.writeFaces('labels', this.labels);
    this.writeFaces('predicted', this.predicted);
    this.writeFaces('confidence', this.confidence);
    this.writeFaces('classification', this.classes ?? new Uint16Array(faces).fill(UNLABELED));
    g.computeBoundingSphere();
    g.computeBoundingBox();

    for (let t = 0; t < groups; t++) {
      if (counts[t] === 0) continue;
      const img = data.textures[t];
      let map: THREE.DataTexture | null = null;
      if (img) {
        map = new THREE.DataTexture(img.rgba, img.width, img.height, THREE.RGBAFormat, THREE.UnsignedByteType);
        // Row 0 is the image's top and uploads as t = 0, where uv v = 0 (top) samples: no flip.
        map.flipY = false;
        map.wrapS = map.wrapT = THREE.ClampToEdgeWrapping;
        map.magFilter = THREE.LinearFilter;
        map.minFilter = THREE.LinearMipmapLinearFilter;
        map.generateMipmaps = true;
        map.anisotropy = 4;
        map.needsUpdate = true;
        this.textures.push(map);
      }
      const su = shared.uniforms;
      const material = new THREE.ShaderMaterial({
        glslVersion: THREE.GLSL3,
        vertexShader,
        fragmentShader,
        side: THREE.DoubleSide,
        uniforms: {
          // Shared uniform objects: colour mode, class colours, slice, isolate and flash reach the mesh for free.
          mode: su.mode!,
          classLut: su.classLut!,
          zRange: su.zRange!,
          zClip: su.zClip!,
          clipMin: su.clipMin!,
          clipMax: su.clipMax!,
          isolate: su.isolate!,
          flash: su.flash!,
          opacity: this.own.opacity,
          tint: this.own.tint,
          map: { value: map },
          hasMap: { value: !!map },
        },
      });
      g.addGroup(offsets[t]! * 3, counts[t]! * 3, this.materials.length);
      this.materials.push(material);
    }
    this.object = new THREE.Mesh(g, this.materials);
    this.object.position.set(centre[0]!, centre[1]!, centre[2]!);
    this.object.updateMatrixWorld(true);
  }

  /** Opacity of the label overlay over the texture (0..1). */
  setOpacity(opacity: number) {
    this.own.opacity.value = Math.min(1, Math.max(0, opacity));
  }

  get opacity(): number {
    return this.own.opacity.value;
  }

  /** New per-face layers (after an edit, undo or a propagation run). */
  setLayer(name: 'labels' | 'predicted' | 'confidence', values: Uint16Array | Uint8Array) {
    if (values.length !== this.faceCount) return;
    if (name === 'labels') this.labels = values as Uint16Array;
    else if (name === 'predicted') this.predicted = values as Uint16Array;
    else this.confidence = values as Uint8Array;
    this.writeFaces(name, values);
  }

  /** Highlights faces (a click preview or a selection) in a tint; null clears. */
  setHighlight(faces: Uint32Array | null, tint: number) {
    const attr = this.geometry.getAttribute('highlight') as THREE.BufferAttribute;
    const a = attr.array as Uint8Array;
    a.fill(0);
    if (faces) {
      const slot = this.slotOfFace();
      for (const f of faces) if (f < this.faceCount) a.fill(255, slot[f]! * 3, slot[f]! * 3 + 3);
    }
    this.own.tint.value.setHex(tint);
    attr.needsUpdate = true;
  }

  /** The nearest visible face under a ray (scan frame), or null. */
  pick(raycaster: THREE.Raycaster, filter: FaceFilter): { face: number; point: [number, number, number]; distance: number } | null {
    for (const hit of raycaster.intersectObject(this.object, false)) {
      if (hit.faceIndex == null) continue;
      const face = this.order[hit.faceIndex]!;
      if (filter.slice && (hit.point.z < filter.slice[0] || hit.point.z > filter.slice[1])) continue;
      if (filter.clip && !insideClip(filter.clip, hit.point.x, hit.point.y, hit.point.z)) continue;
      if (!this.faceVisible(face, filter)) continue;
      return { face, point: hit.point.toArray() as [number, number, number], distance: hit.distance };
    }
    return null;
  }

  /** Mirrors the fragment shader's discards (hidden classes, isolate, unlabeled-only), without the slice. */
  faceVisible(face: number, filter: FaceFilter): boolean {
    const label = this.labels[face]!;
    const labeled = label !== UNLABELED;
    if (filter.mode === 6) return !labeled;
    if (filter.mode === 3 || filter.mode === 4) {
      const code = labeled ? label : filter.mode === 4 ? this.predicted[face]! : UNLABELED;
      if (code !== UNLABELED && filter.hidden.has(code)) return false;
      if (filter.isolate !== null && (labeled ? label : this.predicted[face]) !== filter.isolate) return false;
    }
    return true;
  }

  dispose() {
    this.geometry.dispose();
    for (const m of this.materials) m.dispose();
    for (const t of this.textures) t.dispose();
  }

  private slotCache: Uint32Array | null = null;
  private slotOfFace(): Uint32Array {
    if (!this.slotCache) {
      this.slotCache = new Uint32Array(this.faceCount);
      for (let s = 0; s < this.faceCount; s++) this.slotCache[this.order[s]!] = s;
    }
    return this.slotCache;
  }

  /** Writes a per-face array into the three corners of each face's draw slot. */
  private writeFaces(name: string, values: ArrayLike<number>) {
    const attr = this.geometry.getAttribute(name) as THREE.BufferAttribute;
    const a = attr.array as Uint16Array | Uint8Array;
    for (let s = 0; s < this.faceCount; s++) {
      const v = values[this.order[s]!]!;
      a[s * 3] = v;
      a[s * 3 + 1] = v;
      a[s * 3 + 2] = v;
    }
    attr.needsUpdate = true;
  }
}
