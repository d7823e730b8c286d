// The bench page: SignCam's shipped models and the Teachable-Machine-equivalent baseline, timed
// side by side on one backend, on frames from the camera (Chromium's fake camera under bench/run.py).
//
// Our models go through web/recogniser.js, the very loadRecogniser()/recognise() the live loop
// uses (image model, plus hand landmarks when the model folder has a keypoint model). The
// baseline goes through the steps Teachable Machine's library (@teachablemachine/image) takes:
// cropTo() has the canvas scale the centre square to 224 px, capture() reads it and scales it to
// [-1, 1], then predict, read back, sort. (Canvas scaling is cheaper than our exact bilinear
// resize, which must match training: if anything this favours the baseline.)

import { toModelInput } from '../classifier.js';
import { startCamera } from '../camera.js';
import { loadRecogniser } from '../recogniser.js';

const tf = window.tf;
const video = document.querySelector('video');
const canvas = document.querySelector('canvas');

class TeachableMachineModel {
  constructor(model, size) {
    this.model = model;
    this.size = size;
    this.canvas = document.createElement('canvas'); // TM makes a new one per frame; reusing is kinder
  }

  /** Load, then one warm-up inference, as our load() does, so load times compare like with like. */
  static async load(folderUrl, size) {
    const url = new URL('model.json', new URL(folderUrl, document.baseURI)).href;
    const json = await (await fetch(url)).json();
    const model = json.format === 'layers-model' ? await tf.loadLayersModel(url) : await tf.loadGraphModel(url);
    const tm = new TeachableMachineModel(model, size);
    tf.tidy(() => model.predict(tf.zeros([1, size, size, 3]))).dataSync();
    return tm;
  }

  input(source) {
    const width = source.videoWidth || source.width;
    const height = source.videoHeight || source.height;
    const scale = this.size / Math.min(width, height);
    const [scaledWidth, scaledHeight] = [Math.ceil(width * scale), Math.ceil(height * scale)];
    this.canvas.width = this.canvas.height = this.size;
    this.canvas.getContext('2d').drawImage(source, -Math.floor((scaledWidth - this.size) / 2),
      -Math.floor((scaledHeight - this.size) / 2), scaledWidth, scaledHeight);
    return tf.tidy(() => tf.browser.fromPixels(this.canvas).expandDims(0).toFloat().div(127).sub(1));
  }

  async classify(source, topk = 3) {
    const probabilities = tf.tidy(() => this.model.predict(this.input(source)));
    const values = await probabilities.data();
    probabilities.dispose();
    return Array.from(values, (probability, i) => ({ label: String(i), probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topk);
  }

  async predictOnly(input) {
    const probabilities = this.model.predict(input);
    await probabilities.data();
    probabilities.dispose();
  }

  dispose() {
    this.model.dispose();
  }
}

// Our recogniser seen through the same timing hooks; model-only is its image model, and with hand
// landmarks on, detectOnly() times the MediaPipe tracker alone.
function ours(recogniser) {
  const image = recogniser.image;
  return {
    input: (source) => toModelInput(source, image.size),
    detectOnly: recogniser.tracker && ((source) => recogniser.tracker.detect(source)),
    classify: (source, topk) => recogniser.recognise(source, { topk }),
    async predictOnly(input) {
      const probabilities = image.model.predict(input);
      await probabilities.data();
      probabilities.dispose();
    },
    dispose: () => image.dispose(),
  };
}

/** One frame as the live loop does it: camera -> canvas, then preprocess + predict + read-back. */
async function timeFrame(model) {
  const started = performance.now();
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0);
  await model.classify(canvas, 3);
  return performance.now() - started;
}

async function timeModelOnly(model, input) {
  const started = performance.now();
  await model.predictOnly(input);
  return performance.now() - started;
}

/**
 * specs: [{name, kind: 'ours'|'tm', url, size, landmarks, frames}]. Returns per model: load_ms,
 * first_ms, frame_ms[], model_ms[], detector_ms[] (with landmarks), plus the backend and the tensor
 * count before and after (a leak would show here too). A spec's own `frames` caps its timed rounds
 * (the hand tracker is slow under a software GPU); the others go on without it.
 */
window.runBench = async ({ backend, specs, frames, warmup }) => {
  tf.wasm.setWasmPaths(new URL('vendor/', document.baseURI).href);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
  await tf.ready();
  if (!video.srcObject) await startCamera(video);

  const entries = [];
  for (const spec of specs) { // one at a time, so load times do not overlap
    const started = performance.now();
    const model = spec.kind === 'tm'
      ? await TeachableMachineModel.load(spec.url, spec.size)
      : ours(await loadRecogniser(spec.url, { landmarks: Boolean(spec.landmarks) }));
    entries.push({ spec, model, load_ms: performance.now() - started, frame_ms: [], model_ms: [], detector_ms: [] });
  }
  for (const entry of entries) entry.first_ms = await timeFrame(entry.model);
  const tensorsBefore = tf.memory().numTensors;
  // Round-robin: each round runs every model once, so a machine that gets busier halfway
  // (training in the background, thermal limits) slows all models alike and the ratios hold.
  for (let round = 0; round < warmup + frames; round++) {
    for (const entry of entries) {
      if (entry.frame_ms.length >= (entry.spec.frames ?? frames)) continue;
      const frame = await timeFrame(entry.model);
      const input = entry.model.input(canvas);
      const modelOnly = await timeModelOnly(entry.model, input);
      input.dispose();
      let detector = null;
      if (entry.model.detectOnly) {
        const started = performance.now();
        await entry.model.detectOnly(canvas);
        detector = performance.now() - started;
      }
      if (round >= warmup) {
        entry.frame_ms.push(frame);
        entry.model_ms.push(modelOnly);
        if (detector !== null) entry.detector_ms.push(detector);
      }
    }
  }
  const tensorsAfter = tf.memory().numTensors;
  for (const entry of entries) entry.model.dispose();
  return {
    backend: tf.getBackend(),
    tensors: [tensorsBefore, tensorsAfter],
    models: entries.map(({ spec, load_ms, first_ms, frame_ms, model_ms, detector_ms }) => (
      { name: spec.name, kind: spec.kind, load_ms, first_ms, frame_ms, model_ms, detector_ms })),
  };
};
window.benchReady = true;
