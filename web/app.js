// SignCam page: camera -> canvas -> classifier -> top-3 on screen. Everything runs on the device.
//
// URL options: ?model=digits (a folder under model/), ?backend=webgl|wasm|cpu.
// Test contract: data-testid start, prediction, confidence, status, backend; body[data-ready="true"]
// once the first prediction is on screen; window.signcam for parity tests.

import { load, ModelError } from './classifier.js';
import { CameraError, startCamera, stopCamera } from './camera.js';

const tf = window.tf;
const params = new URLSearchParams(location.search);
const MODEL_NAME = /^[\w-]+$/.test(params.get('model') ?? '') ? params.get('model') : 'digits';
const TOP_K = 3;

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const ui = {
  start: $('start'),
  status: $('status'),
  prediction: $('prediction'),
  confidence: $('confidence'),
  backend: $('backend'),
  timing: $('timing'),
  topList: $('top'),
  video: document.querySelector('video'),
  canvas: document.querySelector('canvas'),
};

function showStatus(message, isError = false) {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', isError);
}

// WebGL through a software renderer (SwiftShader, llvmpipe) is ~10x slower than wasm.
function webglRenderer() {
  const gl = document.createElement('canvas').getContext('webgl2') ??
    document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
}

async function chooseBackend() {
  tf.wasm.setWasmPaths(new URL('vendor/', document.baseURI).href);
  const requested = params.get('backend');
  if (requested) {
    if (await tf.setBackend(requested).catch(() => false)) return `${requested} (chosen in the URL)`;
    showStatus(`Backend "${requested}" is not available here; choosing one automatically.`, true);
  }
  const renderer = webglRenderer();
  const software = renderer && /swiftshader|llvmpipe|software|softpipe/i.test(renderer);
  if (renderer && !software && await tf.setBackend('webgl').catch(() => false)) return `webgl (GPU: ${renderer})`;
  if (await tf.setBackend('wasm').catch(() => false)) {
    return `wasm (${renderer ? 'WebGL is software rendering' : 'no WebGL'})`;
  }
  await tf.setBackend('cpu');
  return 'cpu (no WebGL or WebAssembly)';
}

function showTop(results) {
  const [best] = results;
  ui.prediction.textContent = best.label;
  ui.confidence.textContent = `${Math.round(best.probability * 100)}%`;
  ui.topList.replaceChildren(...results.map(({ label, probability }) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'label';
    name.textContent = label; // labels are text, never HTML
    const bar = document.createElement('meter');
    bar.min = 0;
    bar.max = 1;
    bar.value = probability;
    const percent = document.createElement('span');
    percent.textContent = `${(probability * 100).toFixed(0)}%`;
    item.append(name, bar, percent);
    return item;
  }));
}

let classifier = null;
let stream = null;
let running = false;

// One inference in flight at a time: the next frame is taken only when this one is on screen,
// so slow devices skip frames instead of queueing them.
async function loop() {
  if (!running) return;
  const { video, canvas } = ui;
  if (video.readyState >= 2 && video.videoWidth) {
    const started = performance.now();
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0);
    const results = await classifier.classify(canvas, TOP_K);
    if (!running) return;
    showTop(results);
    ui.timing.textContent = `${(performance.now() - started).toFixed(0)} ms/frame`;
    document.body.dataset.ready = 'true';
  }
  if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(loop);
  else requestAnimationFrame(loop);
}

async function start() {
  ui.start.disabled = true;
  showStatus('Starting the camera…');
  try {
    stream = await startCamera(ui.video);
  } catch (error) {
    showStatus(error instanceof CameraError ? error.message : `Camera error: ${error.message}`, true);
    ui.start.disabled = false;
    return;
  }
  stream.getVideoTracks()[0]?.addEventListener('ended', () => {
    stop();
    showStatus('The camera stopped (unplugged or taken by another app). Press Start camera to try again.', true);
  });
  running = true;
  ui.start.textContent = 'Stop camera';
  ui.start.disabled = false;
  showStatus('Show a sign to the camera.');
  loop();
}

function stop() {
  running = false;
  stopCamera(stream);
  stream = null;
  ui.video.srcObject = null;
  ui.start.textContent = 'Start camera';
  ui.start.disabled = false;
}

async function main() {
  ui.start.disabled = true;
  ui.backend.textContent = await chooseBackend();
  showStatus(`Loading the ${MODEL_NAME} model…`);
  try {
    classifier = await load(`model/${MODEL_NAME}/`);
  } catch (error) {
    const detail = error instanceof ModelError ? error.message : `${error.name}: ${error.message}`;
    showStatus(`The "${MODEL_NAME}" model could not be loaded. ${detail}`, true);
    return;
  }
  const accuracy = classifier.metadata.test_accuracy;
  document.querySelector('#model-name').textContent =
    `${MODEL_NAME}: ${classifier.labels.length} signs` + (accuracy ? `, ${(accuracy * 100).toFixed(1)}% on unseen photos` : '');
  window.signcam = { classifier, backend: tf.getBackend() };
  ui.start.disabled = false;
  ui.start.addEventListener('click', () => (running ? stop() : start()));
  showStatus('Ready. Press Start camera.');
}

main();
