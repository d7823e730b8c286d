// Is there a real GPU behind WebGL? A software renderer (SwiftShader, llvmpipe) runs WebGL on the
// CPU, ~10× slower than WebAssembly: for TF.js's models (app.js picks wasm) and for MediaPipe's hand
// tracker (hands.js asks it for CPU inference: 0.43 s -> 0.04 s a frame on this 2-core machine).

let renderer; // asked once: each question opens a WebGL context

/** WebGL's renderer name, or null where there is no WebGL. */
export function webglRenderer() {
  if (renderer !== undefined) return renderer;
  const gl = document.createElement('canvas').getContext('webgl2') ??
    document.createElement('canvas').getContext('webgl');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  renderer = gl ? gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) : null;
  return renderer;
}

/** SwiftShader (Chrome), llvmpipe/softpipe (Mesa), Microsoft Basic Render Driver (Windows' WARP). */
export function isSoftwareRenderer(renderer) {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

/** True where WebGL runs on a GPU. */
export function hasGpu() {
  const name = webglRenderer();
  return Boolean(name) && !isSoftwareRenderer(name);
}
