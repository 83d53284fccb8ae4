import * as THREE from 'three';

/**
 * Eye-dome lighting (Boucheny 2009, as in Potree and CloudCompare): the scene is drawn into a target
 * with a depth texture, then a screen pass darkens each pixel by how much nearer its neighbours are
 * (in log depth), which outlines shapes in scans that have no colour. Pure image-space: cost depends
 * on the pixel count, not on the points.
 */
export class EdlPass {
  private target: THREE.WebGLRenderTarget;
  private readonly quad: THREE.Mesh;
  private readonly material: THREE.ShaderMaterial;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  strength = 1.0;
  radius = 1.4;

  constructor() {
    this.target = this.makeTarget(1, 1);
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      depthTest: false,
      depthWrite: false,
      uniforms: {
        tColor: { value: null },
        tDepth: { value: null },
        near: { value: 0.1 },
        far: { value: 1000 },
        strength: { value: this.strength },
        radius: { value: this.radius },
        texel: { value: new THREE.Vector2(1, 1) },
      },
      vertexShader: /* glsl */ `
        out vec2 vUv;
        void main() {
          vUv = uv;
          gl_Position = vec4(position.xy, 0.0, 1.0);
        }
      `,
      fragmentShader: /* glsl */ `
        precision highp float;
        uniform sampler2D tColor;
        uniform sampler2D tDepth;
        uniform float near;
        uniform float far;
        uniform float strength;
        uniform float radius;
        uniform vec2 texel;
        in vec2 vUv;
        out vec4 outColor;
        float logDepth(vec2 uv) {
          float d = texture(tDepth, uv).x;
          if (d >= 1.0) return -1.0e6; // background
          float z = (2.0 * near * far) / (far + near - (2.0 * d - 1.0) * (far - near));
          return log2(z);
        }
        void main() {
          vec4 color = texture(tColor, vUv);
          float center = logDepth(vUv);
          if (center < -1.0e5) { outColor = color; return; }
          float sum = 0.0;
          for (int i = 0; i < 8; i++) {
            float a = float(i) * 0.78539816;
            vec2 offset = vec2(cos(a), sin(a)) * radius * texel;
            float n = logDepth(vUv + offset);
            sum += n < -1.0e5 ? 0.0 : max(0.0, center - n);
          }
          float shade = exp(-sum / 8.0 * 300.0 * strength);
          outColor = vec4(color.rgb * shade, 1.0);
        }
      `,
    });
    this.quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.material);
    this.quad.frustumCulled = false;
    this.scene.add(this.quad);
  }

  setSize(width: number, height: number) {
    if (this.target.width === width && this.target.height === height) return;
    this.target.dispose();
    this.target = this.makeTarget(width, height);
    (this.material.uniforms.texel!.value as THREE.Vector2).set(1 / width, 1 / height);
  }

  /** Draws `scene` with eye-dome lighting to the screen; returns the points drawn by the scene pass. */
  render(renderer: THREE.WebGLRenderer, scene: THREE.Scene, camera: THREE.PerspectiveCamera): { points: number; calls: number } {
    const size = renderer.getDrawingBufferSize(new THREE.Vector2());
    this.setSize(Math.max(1, size.x), Math.max(1, size.y));
    renderer.setRenderTarget(this.target);
    renderer.clear();
    renderer.render(scene, camera);
    const info = { points: renderer.info.render.points, calls: renderer.info.render.calls };
    renderer.setRenderTarget(null);
    const u = this.material.uniforms;
    u.tColor!.value = this.target.texture;
    u.tDepth!.value = this.target.depthTexture;
    u.near!.value = camera.near;
    u.far!.value = camera.far;
    u.strength!.value = this.strength;
    u.radius!.value = this.radius;
    renderer.render(this.scene, this.camera);
    return info;
  }

  /**
   * Compiles the screen pass's program without drawing (three.js `compileAsync`: with
   * KHR_parallel_shader_compile the main thread never waits for the GPU process's compiler).
   */
  compile(renderer: THREE.WebGLRenderer): Promise<unknown> {
    return renderer.compileAsync(this.scene, this.camera);
  }

  materials(): THREE.Material[] {
    return [this.material];
  }

  /** The offscreen target the scene is drawn into (for compiling the scene's programs for it). */
  get sceneTarget(): THREE.WebGLRenderTarget {
    return this.target;
  }

  dispose() {
    this.target.dispose();
    this.material.dispose();
    this.quad.geometry.dispose();
  }

  private makeTarget(width: number, height: number) {
    const depthTexture = new THREE.DepthTexture(width, height);
    depthTexture.type = THREE.UnsignedIntType;
    return new THREE.WebGLRenderTarget(width, height, {
      depthTexture,
      depthBuffer: true,
      minFilter: THREE.NearestFilter,
      magFilter: THREE.NearestFilter,
    });
  }
}
