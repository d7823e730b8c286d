// The hand tracker in a worker (a classic one: MediaPipe's loaders use importScripts), so that the
// page's main thread never waits ~40 ms a frame for it: the preview and the buttons stay live, and
// the image model reads the same frame on the main thread meanwhile (recogniser.js).
//
// Messages in:  {type: 'start', base, options}  -> {type: 'started'} or {type: 'failed', message}
//               {type: 'detect', id, bitmap, fresh} -> {type: 'detected', id, hand: {points, handedness} | null}
// `fresh`: forget the hand being tracked first (a photo, not the next frame of a video).

let hands = null;
let latest = null;

async function start(base, options) {
  // hands.js, in a worker, loads every file of its list with importScripts, its .tflite model too
  // (which it then reads itself): pass on only the scripts.
  const importAll = self.importScripts;
  self.importScripts = (...urls) => importAll(...urls.filter((url) => /\.js$/.test(String(url))));
  // Its loaders take their files' locations from this global (which becomes their `Module`).
  const locateFile = (file) => new URL(file, base).href;
  self.createMediapipeSolutionsPackedAssets = { locateFile };
  importAll(new URL('hands.js', base).href);
  hands = new self.Hands({ locateFile });
  hands.setOptions(options);
  hands.onResults((results) => { latest = results; });
  await hands.initialize();
  // In a worker hands.js draws frames on an OffscreenCanvas's WebGL context but keeps no handle to
  // it, which send() needs: give it that same context (the field of @mediapipe/hands 0.4.1675469240).
  const solution = hands.h;
  if (solution && !solution.K && solution.m) solution.K = solution.m.getContext('webgl2') ?? solution.m.getContext('webgl');
}

async function detect(bitmap, fresh) {
  if (fresh) hands.reset();
  latest = null;
  try {
    await hands.send({ image: bitmap });
  } finally {
    bitmap.close();
  }
  const landmarks = latest?.multiHandLandmarks?.[0];
  if (!landmarks) return null;
  return { points: landmarks.map((p) => [p.x, p.y, p.z]), handedness: latest.multiHandedness?.[0]?.label ?? '' };
}

// One message at a time, in order: MediaPipe's graph takes one frame after another.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    if (data.type === 'start') {
      try {
        await start(data.base, data.options);
        self.postMessage({ type: 'started' });
      } catch (error) {
        self.postMessage({ type: 'failed', message: String(error?.message ?? error) });
      }
    } else if (data.type === 'detect') {
      try {
        self.postMessage({ type: 'detected', id: data.id, hand: await detect(data.bitmap, data.fresh) });
      } catch (error) {
        self.postMessage({ type: 'detected', id: data.id, error: String(error?.message ?? error) });
      }
    }
  });
};
