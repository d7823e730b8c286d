// Hand landmarks in the browser: MediaPipe Hands from npm @mediapipe/hands, served from
// vendor/mediapipe/ (its wasm and models ship inside the package; nothing comes from a CDN). It runs
// in a worker (hands-worker.js) where the browser can draw WebGL on an OffscreenCanvas, so that the
// page's main thread never waits for it; elsewhere, or if the worker fails to start, on the page.
// Settings and normalisation mirror training/landmarks.py and training/keypoints.py;
// tests/test_hands.py compares the two on the same photos.

import { hasGpu } from './gpu.js';

const DETECTOR = {
  selfieMode: false, // the model sees frames as the camera gives them; only the preview is mirrored
  maxNumHands: 1,
  modelComplexity: 1,
  minDetectionConfidence: 0.3,
  minTrackingConfidence: 0.5,
};
// Photos are read twice, as training/landmarks.py read_photo() reads them (it says why): as they are
// (when no hand is found, once more with the edge pixels repeated outwards by 50 % per side) and with
// room around them (25 % of edge, else 50 %, else as they are).
const RETRY_PADDING = 0.5;
const ROOM_PADDING = 0.25;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** The image with its outermost rows and columns repeated padX / padY pixels outwards: numpy's
 *  np.pad(mode="edge"). Stretching a 1-pixel strip without smoothing repeats it exactly. */
export function padWithEdges(source, padX, padY) {
  const width = source.width, height = source.height;
  const padded = document.createElement('canvas');
  padded.width = width + 2 * padX;
  padded.height = height + 2 * padY;
  const context = padded.getContext('2d');
  context.imageSmoothingEnabled = false;
  const [right, bottom] = [padX + width, padY + height];
  const strips = [ // [sx, sy, sw, sh] of the source -> [dx, dy, dw, dh] of the padded canvas
    [0, 0, 1, 1, 0, 0, padX, padY], [width - 1, 0, 1, 1, right, 0, padX, padY], // corners
    [0, height - 1, 1, 1, 0, bottom, padX, padY], [width - 1, height - 1, 1, 1, right, bottom, padX, padY],
    [0, 0, width, 1, padX, 0, width, padY], [0, height - 1, width, 1, padX, bottom, width, padY], // top, bottom
    [0, 0, 1, height, 0, padY, padX, height], [width - 1, 0, 1, height, right, padY, padX, height], // left, right
  ];
  for (const strip of strips) context.drawImage(source, ...strip);
  context.drawImage(source, padX, padY);
  return padded;
}

function toCanvas(image) {
  if (image instanceof HTMLCanvasElement) return image;
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').drawImage(image, 0, 0);
  return canvas;
}

const WORKER_START_MS = 60000; // a worker that has not started the tracker by then (files loaded included) never will: the page runs it

// MediaPipe's wasm module allows one Hands per page: every recogniser shares this one.
let shared = null;

/** The page's hand tracker: detect(source) -> {points: 21 × [x, y, z] in 0..1 of the source, handedness}
 *  or null; send(source) hands a video frame over and resolves with {hand: that promise}, so that
 *  other work can run while the tracker works (in a worker, where the browser allows one). */
export function createHandTracker(base = 'vendor/mediapipe/', { worker = true } = {}) {
  shared ??= startTracker(new URL(base, document.baseURI), worker).catch((error) => {
    shared = null; // a later call may try again
    throw error;
  });
  return shared;
}

// No GPU behind WebGL: MediaPipe's CPU inference, ~10× faster than its WebGL on a software
// renderer. Otherwise MediaPipe's own default (GPU; CPU on iPhones and iPads).
const detectorOptions = () => (hasGpu() ? DETECTOR : { ...DETECTOR, useCpuInference: true });

/** Whether MediaPipe can run in a worker here: it draws frames on an OffscreenCanvas's WebGL. */
function workerCanTrack() {
  try {
    return typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' &&
      typeof createImageBitmap !== 'undefined' && Boolean(new OffscreenCanvas(1, 1).getContext('webgl'));
  } catch {
    return false;
  }
}

async function startTracker(baseUrl, useWorker) {
  let send = null;
  if (useWorker && workerCanTrack()) {
    try {
      send = await startWorkerTracker(baseUrl);
    } catch (error) {
      console.warn(`The hand tracker runs on the page: in a worker it failed (${error.message})`);
    }
  }
  send ??= await startPageTracker(baseUrl);
  const detect = async (source, fresh = false) => (await send(source, fresh)).hand;

  /** A fresh detection (no tracking) on the photo with `padding` of its sides repeated outwards;
   *  points in the photo's own coordinates. */
  async function detectPadded(source, padding) {
    const width = source.width, height = source.height;
    const padX = Math.floor(width * padding), padY = Math.floor(height * padding);
    const image = padding ? padWithEdges(source, padX, padY) : source;
    const found = await detect(image, true);
    if (found && padding) {
      found.points = found.points.map(([x, y, z]) => [
        (x * image.width - padX) / width, (y * image.height - padY) / height, (z * image.width) / width]);
    }
    return found;
  }

  /** A still photo, read twice as training/landmarks.py read_photo() does. Returns the hand found
   *  first (as it is, else with room), with `readings`: the points of both readings (null: no hand
   *  there); or null where neither found one. */
  async function detectPhoto(photo) {
    const source = toCanvas(photo); // MediaPipe takes canvases, not ImageBitmaps
    const bare = await detectPadded(source, 0);
    const room = await detectPadded(source, ROOM_PADDING);
    const wide = bare && room ? null : await detectPadded(source, RETRY_PADDING);
    const asIs = bare ?? wide, withRoom = room ?? wide ?? bare;
    const hand = asIs ?? withRoom;
    return hand && { ...hand, readings: [asIs, withRoom].map((reading) => reading?.points ?? null) };
  }

  return { send: (source) => send(source, false), detect: (source) => detect(source), detectPhoto,
    inWorker: Boolean(send.inWorker) };
}

/** MediaPipe on the page's main thread: send(source, fresh) -> {hand: promise}. */
async function startPageTracker(baseUrl) {
  if (!window.Hands) await loadScript(new URL('hands.js', baseUrl).href);
  const hands = new window.Hands({ locateFile: (file) => new URL(file, baseUrl).href });
  hands.setOptions(detectorOptions());
  let latest = null;
  hands.onResults((results) => { latest = results; });
  await hands.initialize();
  async function detect(source, fresh) {
    if (fresh) hands.reset();
    latest = null;
    await hands.send({ image: source });
    const landmarks = latest?.multiHandLandmarks?.[0];
    if (!landmarks) return null;
    return { points: landmarks.map((p) => [p.x, p.y, p.z]), handedness: latest.multiHandedness?.[0]?.label ?? '' };
  }
  return async (source, fresh) => ({ hand: detect(source, fresh) });
}

/** MediaPipe in a worker (hands-worker.js): each frame goes over as an ImageBitmap. */
async function startWorkerTracker(baseUrl) {
  const worker = new Worker(new URL('hands-worker.js', import.meta.url));
  const waiting = new Map(); // id -> {resolve, reject}
  let nextId = 0;
  try {
    await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => (data.type === 'started' ? resolve() : reject(new Error(data.message)));
      worker.onerror = (event) => reject(new Error(event.message || 'the worker could not start'));
      setTimeout(() => reject(new Error(`no answer in ${WORKER_START_MS / 1000} s`)), WORKER_START_MS);
      worker.postMessage({ type: 'start', base: baseUrl.href, options: detectorOptions() });
    });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  worker.onmessage = ({ data }) => {
    const pending = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error) pending?.reject(new Error(`The hand tracker failed: ${data.error}`));
    else pending?.resolve(data.hand);
  };
  worker.onerror = (event) => {
    for (const pending of waiting.values()) pending.reject(new Error(`The hand tracker stopped: ${event.message}`));
    waiting.clear();
  };
  async function send(source, fresh) {
    const bitmap = await createImageBitmap(source);
    const id = nextId++;
    const hand = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.postMessage({ type: 'detect', id, bitmap, fresh }, [bitmap]);
    return { hand };
  }
  send.inWorker = true;
  return send;
}

/** 21 points (x, y in 0..1, z on x's scale) of a width×height image -> 63 features: pixels, wrist at
 *  the origin, divided by the largest wrist-to-point distance in the image plane. */
export function normalise(points, width, height) {
  const [wx, wy, wz] = [points[0][0] * width, points[0][1] * height, points[0][2] * width];
  const centred = points.map(([x, y, z]) => [x * width - wx, y * height - wy, z * width - wz]);
  const scale = Math.max(1e-6, ...centred.map(([x, y]) => Math.hypot(x, y)));
  return Float32Array.from(centred.flat(), (v) => v / scale);
}

// The sign space: a hand whose palm's centre is in the picture's bottom tenth, or which lies wholly in
// its bottom fifth (MediaPipe fits a hand half out of the picture into the strip above the edge), is
// resting at the bottom of the picture or being lowered out of it. Read live, it types nothing and
// counts as the hand lowered (recogniser.js): a hand resting in view neither types letters nor keeps
// a word from ending. Of 21,509 photos of signing in the three full-frame letter sets, 37 are that
// low, 33 of them 64×64 close-ups of asl-alphabet-64 (docs/experiments.md, "The sign space").
export const PALM_BELOW = 0.9; // of the frame's height, from its top
export const HAND_BELOW = 0.8;
const PALM = [0, 5, 9, 13, 17]; // the wrist and the four knuckles

/** Whether a hand (21 points, x, y in 0..1 of the frame) is lowered: below the sign space. */
export function lowered(points) {
  const palm = PALM.reduce((sum, i) => sum + points[i][1], 0) / PALM.length;
  return palm > PALM_BELOW || Math.min(...points.map(([, y]) => y)) > HAND_BELOW;
}
