import * as THREE from 'three';
import { CLASS_LUT_SIZE, hexToRgb, LUT_ROW } from './colorModes';

const vertexShader = /* glsl */ `
  in vec3 color;
  in float classification;
  in float labels;
  in float intensity;
  in float predicted;
  in float confidence;
  uniform int mode;
  uniform vec2 intensityRange;
  uniform vec2 zClip;       // height slice: points outside [x, y] are hidden
  uniform vec3 clipMin;     // clipping box (scan frame): points outside are hidden
  uniform vec3 clipMax;
  uniform float isolate;    // class code shown alone in the label modes, or -1
  uniform float flash;      // 0..1 pulse over unlabeled and unsure points (review mode)
  uniform sampler2D classLut;
  uniform vec2 zRange;
  uniform float pointSize;
  uniform float spacing;
  uniform float projScale;
  out vec3 vColor;

  // A perceptual blue-green-yellow ramp (viridis-like) for elevation.
  vec3 ramp(float t) {
    t = clamp(t, 0.0, 1.0);
    vec3 a = vec3(0.267, 0.005, 0.329);
    vec3 b = vec3(0.128, 0.567, 0.551);
    vec3 c = vec3(0.993, 0.906, 0.144);
    return t < 0.5 ? mix(a, b, t * 2.0) : mix(b, c, t * 2.0 - 1.0);
  }

  vec4 lut(float code, int row) {
    return texelFetch(classLut, ivec2(int(min(code, float(${CLASS_LUT_SIZE - 1}))), row), 0);
  }

  void main() {
    vec4 mv = modelViewMatrix * vec4(position, 1.0);
    gl_Position = projectionMatrix * mv;
    // Adaptive size: a splat covers about the scan's mean point spacing on screen, so surfaces look
    // closed at every zoom; pointSize scales it, and it stays within 1..16 pixels.
    gl_PointSize = clamp(pointSize * spacing * projScale / max(1e-3, -mv.z), 1.0, 16.0);
    bool hidden = false;
    // Modes follow COLOR_MODES: 0 rgb, 1 intensity, 2 elevation, 3 labels, 4 predicted, 5 confidence,
    // 6 unlabeled only, 7 source classes.
    if (mode == 0) {
      vColor = color;
    } else if (mode == 1) {
      float t = clamp((intensity - intensityRange.x) / max(1.0, intensityRange.y - intensityRange.x), 0.0, 1.0);
      vColor = vec3(sqrt(t)); // gamma lifts the dark returns that dominate LiDAR intensity
    } else if (mode == 2) {
      vColor = ramp((position.z - zRange.x) / max(1e-6, zRange.y - zRange.x));
    } else if (mode == 6) {
      hidden = labels < 65534.5;
      vColor = color;
    } else if (mode == 4 && labels > 65534.5) {
      vec3 dim = color * 0.45 + vec3(0.12);
      if (predicted > 65534.5) {
        vColor = dim;
      } else {
        vec4 c = lut(predicted, ${LUT_ROW.labels});
        hidden = c.a < 0.5;
        vColor = mix(dim, c.rgb, 0.35 + 0.65 * confidence);
      }
    } else if (mode == 5) {
      if (labels < 65534.5) vColor = vec3(0.95);
      else if (predicted > 65534.5) vColor = color * 0.3 + vec3(0.08);
      else vColor = mix(vec3(0.9, 0.15, 0.1), vec3(0.15, 0.85, 0.3), confidence);
    } else if (mode == 3 || mode == 4) {
      if (labels > 65534.5) {
        vColor = color * 0.45 + vec3(0.12); // unlabeled: dimmed, still readable
      } else {
        vec4 c = lut(labels, ${LUT_ROW.labels});
        hidden = c.a < 0.5;
        vColor = c.rgb;
      }
    } else {
      vec4 c = lut(classification, ${LUT_ROW.source});
      hidden = c.a < 0.5;
      vColor = c.rgb;
    }
    if (isolate >= 0.0 && (mode == 3 || mode == 4)) {
      float shown = labels < 65534.5 ? labels : predicted;
      if (abs(shown - isolate) > 0.5) hidden = true;
    }
    if (position.z < zClip.x || position.z > zClip.y) hidden = true;
    if (any(lessThan(position, clipMin)) || any(greaterThan(position, clipMax))) hidden = true;
    if (flash > 0.0 && labels > 65534.5 && (predicted > 65534.5 || confidence < 0.5)) vColor = mix(vColor, vec3(1.0, 0.1, 0.85), flash);
    if (hidden) gl_Position = vec4(2.0, 2.0, 2.0, 1.0); // hidden: clipped away
  }
`;

const fragmentShader = /* glsl */ `
  precision highp float;
  in vec3 vColor;
  out vec4 outColor;
  void main() {
    vec2 d = gl_PointCoord - 0.5;
    if (dot(d, d) > 0.25) discard; // round splats
    outColor = vec4(vColor, 1.0);
  }
`;

/** One shared material for every point chunk: colour mode and class colours are uniforms, so switching is free. */
export class PointMaterial extends THREE.ShaderMaterial {
  readonly lut: THREE.DataTexture;
  private readonly lutData: Uint8Array;

  constructor() {
    const lutData = new Uint8Array(CLASS_LUT_SIZE * 2 * 4);
    for (let i = 0; i < CLASS_LUT_SIZE * 2; i++) lutData.set([150, 150, 150, 255], i * 4);
    const lut = new THREE.DataTexture(lutData, CLASS_LUT_SIZE, 2, THREE.RGBAFormat, THREE.UnsignedByteType);
    lut.needsUpdate = true;
    super({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        mode: { value: 0 },
        classLut: { value: lut },
        zRange: { value: new THREE.Vector2(0, 1) },
        intensityRange: { value: new THREE.Vector2(0, 65535) },
        zClip: { value: new THREE.Vector2(-1e9, 1e9) },
        clipMin: { value: new THREE.Vector3(-1e9, -1e9, -1e9) },
        clipMax: { value: new THREE.Vector3(1e9, 1e9, 1e9) },
        isolate: { value: -1 },
        flash: { value: 0 },
        pointSize: { value: 1.5 },
        spacing: { value: 0.1 },
        projScale: { value: 500 },
      },
    });
    this.lut = lut;
    this.lutData = lutData;
  }

  setClassColor(row: number, code: number, hex: string, visible = true) {
    if (code < 0 || code >= CLASS_LUT_SIZE) return;
    const [r, g, b] = hexToRgb(hex);
    this.lutData.set([r, g, b, visible ? 255 : 0], (row * CLASS_LUT_SIZE + code) * 4);
    this.lut.needsUpdate = true;
  }

  resetRow(row: number) {
    for (let i = 0; i < CLASS_LUT_SIZE; i++) this.lutData.set([150, 150, 150, 255], (row * CLASS_LUT_SIZE + i) * 4);
    this.lut.needsUpdate = true;
  }
}

/** Highlight for previews and selections: one flat colour, the same adaptive splat size as the scan (slightly larger). */
export class OverlayMaterial extends THREE.ShaderMaterial {
  constructor(shared: PointMaterial) {
    super({
      glslVersion: THREE.GLSL3,
      vertexShader: /* glsl */ `
        uniform float pointSize;
        uniform float spacing;
        uniform float projScale;
        void main() {
          vec4 mv = modelViewMatrix * vec4(position, 1.0);
          gl_Position = projectionMatrix * mv;
          gl_Position.z -= 0.0005 * gl_Position.w; // drawn on top of the scan's own splats
          gl_PointSize = clamp(1.15 * pointSize * spacing * projScale / max(1e-3, -mv.z), 2.0, 18.0);
        }
      `,
      fragmentShader: /* glsl */ `
        precision highp float;
        uniform vec3 tint;
        out vec4 outColor;
        void main() {
          vec2 d = gl_PointCoord - 0.5;
          if (dot(d, d) > 0.25) discard;
          outColor = vec4(tint, 1.0);
        }
      `,
      uniforms: {
        // Shared uniform objects: zoom and resize updates reach the overlay for free.
        pointSize: shared.uniforms.pointSize!,
        spacing: shared.uniforms.spacing!,
        projScale: shared.uniforms.projScale!,
        tint: { value: new THREE.Color(0x00e5ff) },
      },
    });
  }

  setTint(hex: number) {
    (this.uniforms.tint!.value as THREE.Color).setHex(hex);
  }
}
