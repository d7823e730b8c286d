// SignCam page: camera -> canvas -> classifier -> top-3 on screen. Everything runs on the device.
//
// Each frame's top result also goes to the speller (speller.js via transcript.js), which types a
// sign held steady. A photo can be read instead of the camera (upload.js). While the user teaches
// a sign of their own (teach.js), frames go to that instead of the speller. For letters, the text
// typed so far weighs each frame's reading towards English spellings (language.js).
//
// URL options: ?model=letters|digits (a folder under model/), ?backend=webgl|wasm|cpu,
// ?landmarks=off, ?english=off.
// Test contract: data-testid start, prediction, confidence, status, backend, transcript;
// body[data-ready="true"] once the first prediction is on screen; body[data-paused="true"] while
// the tab is hidden; window.signcam for parity tests.

import { ModelError } from './classifier.js';
import { loadRecogniser } from './recogniser.js';
import { drawHand } from './overlay.js';
import { CameraError, startCamera, stopCamera } from './camera.js';
import { Speller } from './speller.js';
import { bindTranscript } from './transcript.js';
import { bindSettingsPanel, loadSettings, saveSettings } from './settings.js';
import { DEFAULT_MODEL, MODES, initialModel, installedModels } from './models.js';
import { bindUpload } from './upload.js';
import { bindTeaching } from './teach.js';
import { bindPractice } from './learn.js';
import { ChartError, loadChart } from './chart.js';
import { registerServiceWorker } from './offline.js';
import { loadLanguage, prior as letterPrior } from './language.js';
import { bindCompletions, loadWords } from './completion.js';
import { MotionReader } from './motion.js';
import { isSoftwareRenderer, webglRenderer } from './gpu.js';

const tf = window.tf;
const params = new URLSearchParams(location.search);
const settings = loadSettings(); // remembered: threshold, hold time, model, camera
let modelName = initialModel(params, settings.model);
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
  canvas: $('frame'), // not the first <canvas>: the hand overlay comes before it
  photo: $('photo'),
  switchCamera: $('switch-camera'),
  modes: document.querySelectorAll('input[name="mode"]'),
  overlay: $('hand-overlay'),
  preview: $('preview'),
  decidedBy: $('recogniser'),
  landmarks: $('landmarks'),
  english: $('english'),
  learnFromWords: $('learn-from-words'),
  caption: $('caption'), // the captions on the preview (phones)
};

// threshold, holdMs and keptWords from the settings (which also remember the words kept: settings.js).
const speller = new Speller({ ...settings, dictionary: () => spellingDictionary(),
  onLearn: (letters) => teaching.learn(letters) }); // a word kept teaches its letters' hands
// Word completion (Letters): the three likeliest words for the letters typed, one tap each.
const completions = bindCompletions({ list: $('completions') }, speller, (word) => transcript.refresh(`${word} typed`));
const transcript = bindTranscript({
  text: $('transcript'), hold: $('hold'), holdLabel: $('hold-label'), announce: $('announce'),
  copy: $('copy'), clear: $('clear'), undo: $('undo'), speak: $('speak'), message: $('transcript-message'),
  caption: ui.caption, captionSign: $('caption-sign'), captionText: $('caption-text'),
  onRender: () => completions.refresh(),
}, speller);
let completionWords = null; // language/words.json, offered only for a model that reads letters
let completionNames = null; // language/names.json: offered after the words, and corrected to
const motion = new MotionReader(); // J and Z drawn in the air (Letters, with the hand's shape on)
const teaching = bindTeaching({
  sign: $('teach-sign'), teach: $('teach'), teachAll: $('teach-all'), forget: $('forget'),
  save: $('save-signs'), load: $('load-signs'),
  status: $('teach-status'), taught: $('taught'), guide: $('guide'),
}, { recogniser: () => recogniser, model: () => modelName, running: () => running,
  learnFromWords: () => settings.learnFromWords });
const charts = new Map(); // model name -> its chart of signs (chart.js), null where it has none
const practice = bindPractice({
  chart: $('chart'), sign: $('practice-sign'), reference: $('practice-reference'), yours: $('practice-yours'),
  verdict: $('practice-verdict'), feedback: $('practice-feedback'), start: $('practice-start'),
  next: $('practice-next'), stop: $('practice-stop'), word: $('practice-word'), wordGo: $('practice-word-go'),
  progress: $('practice-progress'), save: $('practice-save'), load: $('practice-load'), forget: $('practice-forget'),
  note: $('practice-note'),
}, {
  recogniser: () => recogniser, model: () => modelName, chart: () => charts.get(modelName) ?? null,
  running: () => running, start: () => (running ? null : start()),
});
bindSettingsPanel({
  threshold: $('threshold'), thresholdValue: $('threshold-value'),
  hold: $('hold-time'), holdValue: $('hold-time-value'), reset: $('reset-settings'), forgetKept: $('forget-kept'),
}, settings, speller);

/** The status line when nothing else is happening. A model that reads new people much worse than
 *  the people it learnt from (metadata.new_people) points a user who has had no lesson to the remedy
 *  (words kept teach it too, but a lesson does better: personal.js). */
function idleStatus() {
  if (!running) return 'Ready. Press Start camera, or choose a photo.';
  const untaught = recogniser.usesHands && recogniser.ownSigns?.noLesson;
  return 'Show a sign to the camera.' + (untaught && newPeopleGap() > 0.05
    ? ' Signs read wrong? "Teach it your signs" (below) learns your hands in about a minute.' : '');
}

/** How much worse the model reads people it never saw than its own test photos (0 if not measured). */
function newPeopleGap() {
  const { test_accuracy: accuracy, new_people: newPeople } = classifier.metadata;
  return accuracy && newPeople?.mean_fused ? accuracy - newPeople.mean_fused : 0;
}

function showStatus(message, isError = false) {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', isError);
}

async function chooseBackend() {
  tf.wasm.setWasmPaths(new URL('vendor/', document.baseURI).href);
  const requested = params.get('backend');
  if (requested) {
    if (await tf.setBackend(requested).catch(() => false)) return `${requested} (chosen in the URL)`;
    showStatus(`Backend "${requested}" is not available here; choosing one automatically.`, true);
  }
  const renderer = webglRenderer();
  const software = renderer && isSoftwareRenderer(renderer); // ~10x slower than wasm
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

let classifier = null; // the image model of the recogniser in use
let recogniser = null;
let stream = null;
let running = false;
let paused = false; // the loop stopped because the tab is hidden
const classifiers = new Map(); // model name -> recogniser, each loaded on first use

// One inference in flight at a time: the next frame is taken only when this one is on screen,
// so slow devices skip frames instead of queueing them. `id` names the chain of frames: a chain
// left behind (one whose inference waits forever on a lost WebGL context) sees a newer id and ends.
let chain = 0;
// The last frames' timings, for `make bench` (bench/page_path.py) and anyone profiling: when the
// camera took the frame, when the loop began on it, and when its letter was on screen.
const recentFrames = [];
const RECENT_FRAMES = 2000;

async function loop(id = chain, presented = null) {
  if (!running || id !== chain) return;
  if (document.hidden) { // no one is watching: save the battery; visibilitychange resumes
    paused = true;
    document.body.dataset.paused = 'true';
    transcript.reset(); // a sign half-held before hiding must not be typed on return
    return;
  }
  const { video, canvas } = ui;
  if (video.readyState >= 2 && video.videoWidth) {
    const started = performance.now();
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0);
    let result;
    try {
      result = await recogniser.recognise(canvas, { topk: TOP_K, prior: spellingPrior() });
    } catch (error) { // e.g. the hand tracker's worker stopped: say so, rather than freeze
      if (!running || id !== chain) return;
      stop();
      showStatus(`Reading the camera failed: ${error.message}. Press Start camera to try again.`, true);
      return;
    }
    if (!running || id !== chain) return;
    const { top: results, recogniser: decidedBy, hand, square } = result;
    const now = performance.now();
    const drawn = recogniser.labels.includes('J') ? motion.update(hand, result.features, canvas.width, canvas.height, now) : null;
    showTop(results);
    drawHand(ui.overlay, hand, canvas.width, canvas.height, square, motion.trail);
    ui.preview.dataset.lowered = String(Boolean(result.lowered)); // the guide asks for the hand to be raised
    ui.decidedBy.textContent = decidedBy;
    if (teaching.onFrame(result, now)) transcript.teaching(); // a sign shown to teach is not typed
    else if (practice.onFrame(result, now, drawn)) transcript.teaching(); // nor one practised
    else {
      transcript.update(results[0], now, result.read, result.features ?? null);
      if (drawn) { // a J or Z drawn in the air: typed, in the place of the I it started from
        speller.typeMotion(drawn, motion.since[drawn] ?? now);
        transcript.refresh(`${drawn}, drawn`);
      }
    }
    const shown = performance.now();
    ui.timing.textContent = `${(shown - started).toFixed(0)} ms/frame`;
    recentFrames.push({ presented: presented ?? started, started, shown });
    if (recentFrames.length > RECENT_FRAMES) recentFrames.shift();
    document.body.dataset.ready = 'true';
  }
  // When the camera took the frame (captureTime, for camera streams) or handed it on, on performance.now()'s clock.
  if ('requestVideoFrameCallback' in video) {
    video.requestVideoFrameCallback((_, metadata) => loop(id, metadata.captureTime ?? metadata.presentationTime));
  }
  else requestAnimationFrame(() => loop(id));
}

// A lost WebGL context (GPU reset, driver update, the browser reclaiming memory) takes every
// model's weights with it, and TF.js then never answers: move to wasm, reload there, go on.
function recoverFromContextLoss() {
  if (tf.getBackend() !== 'webgl') return;
  tf.backend().gpgpu.gl.canvas.addEventListener('webglcontextlost', async () => {
    chain++; // the frame in flight will never finish
    showStatus('The graphics card stopped answering (WebGL context lost); switching to WebAssembly…', true);
    classifiers.clear(); // their weights lived on the GPU
    await tf.setBackend('wasm');
    ui.backend.textContent = 'wasm (the WebGL context was lost)';
    if (!(await useModel(modelName))) return; // the reason is on screen
    showStatus(idleStatus());
    if (running) loop();
  }, { once: true });
}

async function start() {
  ui.start.disabled = true;
  ui.photo.hidden = true;
  showStatus('Starting the camera…');
  try {
    stream = await startCamera(ui.video, settings.facingMode);
  } catch (error) {
    showStatus(error instanceof CameraError ? error.message : `Camera error: ${error.message}`, true);
    ui.start.disabled = false;
    return;
  }
  stream.getVideoTracks()[0]?.addEventListener('ended', () => {
    stop();
    showStatus('The camera stopped (unplugged or taken by another app). Press Start camera to try again.', true);
  });
  // Mirror the preview only for a camera facing the signer, as a selfie; the model still gets the
  // frame unflipped, as the training photos were taken (tests/test_sign_to_text.py checks both).
  const facing = stream.getVideoTracks()[0]?.getSettings().facingMode ?? settings.facingMode;
  ui.video.classList.toggle('mirrored', facing !== 'environment');
  ui.switchCamera.hidden = (await countCameras()) < 2;
  ui.switchCamera.textContent = settings.facingMode === 'environment' ? 'Use front camera' : 'Use back camera';
  running = true;
  ui.caption.hidden = false;
  ui.start.textContent = 'Stop camera';
  ui.start.disabled = false;
  teaching.refresh(); // loads the signs taught before, which idleStatus asks about
  showStatus(idleStatus());
  loop(++chain);
}

async function countCameras() {
  const devices = await navigator.mediaDevices.enumerateDevices?.().catch(() => []) ?? [];
  return devices.filter((device) => device.kind === 'videoinput').length;
}

async function switchCamera() {
  settings.facingMode = settings.facingMode === 'environment' ? 'user' : 'environment';
  saveSettings(settings);
  stop();
  await start();
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden || !paused) return;
  paused = false;
  delete document.body.dataset.paused;
  if (running) loop();
});

function stop() {
  running = false;
  motion.reset();
  ui.caption.hidden = true;
  delete ui.preview.dataset.lowered; // no camera, no hand to raise
  transcript.reset();
  teaching.cancel();
  practice.cancel();
  stopCamera(stream); // releases the camera: its light goes off
  stream = null;
  ui.video.srcObject = null;
  ui.start.textContent = 'Start camera';
  ui.start.disabled = false;
  showStatus('Camera stopped. Press Start camera, or choose a photo.');
}

/** Switch to model/NAME/, loading it on first use. False, with the reason on screen, if it cannot be loaded. */
async function useModel(name) {
  showStatus(`Loading the ${name} model…`);
  let loaded = classifiers.get(name);
  if (!loaded) {
    try {
      loaded = await loadRecogniser(`model/${name}/`, { landmarks: landmarksOn(), trackerInWorker: params.get('tracker') !== 'page' });
    } catch (error) {
      const detail = error instanceof ModelError ? error.message : `${error.name}: ${error.message}`;
      showStatus(`The "${name}" model could not be loaded. ${detail}`, true);
      return false;
    }
    classifiers.set(name, loaded);
  }
  recogniser = loaded;
  classifier = loaded.image;
  modelName = name;
  transcript.reset();
  for (const radio of ui.modes) radio.checked = radio.value === name;
  // Honest about who it works for: its test photos show the people it learnt from; new people
  // (metadata.new_people: studies/people_out.py, each person scored by models trained without them)
  // may fare worse, and teaching it their signs is the remedy.
  const { test_accuracy: accuracy, new_people: newPeople } = classifier.metadata;
  // One decimal: 99.7 % must not read as 100 %.
  const percent = (value) => `${(value * 100).toFixed(1)}%`;
  document.querySelector('#model-name').textContent = `${name}: ${classifier.labels.length} signs` +
    (accuracy ? `, ${percent(accuracy)} on unseen photos of the people it learnt from` : '') +
    (newPeople?.mean_fused ? `, ${percent(newPeople.mean_fused)} for people it never saw` : '') +
    (newPeople?.worst ? ` (${Object.keys(newPeople.fused).length} people; the worst ${percent(newPeople.worst.fused)})` : '') +
    // what teaching gave those people (studies/personal_people.py), else just the remedy
    (newPeople?.once_taught ? `, ${percent(newPeople.once_taught.mean_fused)} once they taught it their signs`
      : (newPeopleGap() > 0.05 ? ' (teach it your signs)' : ''));
  if (!charts.has(name)) {
    // The chart is for learning: the page reads signs without it, and says why practice is missing.
    charts.set(name, await loadChart(`model/${name}/`).catch((error) => {
      if (!(error instanceof ChartError)) throw error;
      $('practice-note').textContent = error.message;
      return null;
    }));
  }
  window.signcam = { classifier, recogniser, backend: tf.getBackend(), model: name, spellingPrior, recentFrames };
  completions.setWords(loaded.labels.includes('A') ? completionWords : null, completionNames);
  teaching.cancel();
  practice.cancel();
  return true;
}

/** The Letters / Numbers switch: a model still missing from model/ is shown but cannot be chosen. */
async function offerModes() {
  const installed = await installedModels();
  const missing = MODES.filter(({ name }) => !installed[name]).map(({ title }) => title);
  for (const radio of ui.modes) {
    radio.disabled = !installed[radio.value];
    radio.addEventListener('change', () => switchModel(radio.value));
  }
  $('modes-note').textContent = missing.length ? `${missing.join(' and ')}: not installed on this site yet.` : '';
  return installed;
}

async function switchModel(name) {
  const fieldset = $('modes');
  fieldset.disabled = true; // one load at a time
  const loaded = await useModel(name);
  fieldset.disabled = false;
  if (!loaded) {
    for (const radio of ui.modes) radio.checked = radio.value === modelName; // still the previous model
    return;
  }
  settings.model = name;
  saveSettings(settings);
  const url = new URL(location.href);
  url.searchParams.set('model', name); // a link to this page opens the same mode
  history.replaceState(null, '', url);
  ui.start.disabled = false;
  showStatus(idleStatus());
}

/** Classify an uploaded or dropped photo: the same model and top-3 as the camera. */
async function readPhoto(bitmap, file) {
  if (!classifier) {
    showStatus('No model is loaded, so the photo cannot be read.', true);
    return;
  }
  if (running) stop(); // otherwise the next camera frame would replace the photo's result
  const { top: results, recogniser: decidedBy } = await recogniser.recognise(bitmap, { photo: true, topk: TOP_K });
  bitmap.close();
  showTop(results);
  drawHand(ui.overlay, null);
  ui.decidedBy.textContent = decidedBy;
  if (ui.photo.src.startsWith('blob:')) URL.revokeObjectURL(ui.photo.src);
  ui.photo.src = URL.createObjectURL(file);
  ui.photo.hidden = false;
  showStatus(`The photo "${file.name}" shows ${results[0].label} (${Math.round(results[0].probability * 100)}%).`);
}

// The letter model of English (language.js): for a model that reads letters, given the text so far;
// on unless turned off in the settings (remembered) or with ?english=off.
let language = null;
const englishOn = () => settings.english && params.get('english') !== 'off';
function spellingPrior(text = speller.text) {
  if (!language || !englishOn() || !recogniser.labels.includes('A')) return null;
  return letterPrior(language, text, recogniser.labels);
}
// ...and the words and names a word that ends is corrected to (words.js), under the same switch.
function spellingDictionary() {
  if (!language || !completionWords || !englishOn() || !recogniser.labels.includes('A')) return null;
  return { words: completionWords, table: language, names: completionNames };
}

// Hand landmarks: on unless turned off in the settings (remembered) or with ?landmarks=off.
function landmarksOn() {
  return settings.landmarks && params.get('landmarks') !== 'off';
}

async function toggleLandmarks() {
  settings.landmarks = ui.landmarks.checked;
  saveSettings(settings);
  classifiers.clear(); // reloaded with or without the hand tracker
  drawHand(ui.overlay, null);
  if (await useModel(modelName)) showStatus(idleStatus());
}

async function main() {
  ui.start.disabled = true;
  ui.landmarks.checked = landmarksOn();
  ui.landmarks.addEventListener('change', toggleLandmarks);
  ui.english.checked = englishOn();
  ui.english.addEventListener('change', () => { settings.english = ui.english.checked; saveSettings(settings); });
  ui.learnFromWords.checked = settings.learnFromWords;
  ui.learnFromWords.addEventListener('change', () => { settings.learnFromWords = ui.learnFromWords.checked; saveSettings(settings); });
  const wordsLoaded = Promise.all([loadWords(), loadWords('language/names.json', 'names')])
    .then(([words, names]) => { [completionWords, completionNames] = [words, names]; });
  const languageLoaded = loadLanguage().then((table) => {
    language = table;
    if (!table) { // spelling goes on without it; the setting says why it does nothing
      ui.english.disabled = true;
      ui.english.parentElement.append(' (not installed on this site)');
    }
  });
  registerServiceWorker();
  ui.start.addEventListener('click', () => (running ? stop() : start()));
  ui.switchCamera.addEventListener('click', switchCamera);
  bindUpload({ input: $('upload'), dropZone: $('drop-zone') }, readPhoto, (message) => showStatus(message, true));
  ui.backend.textContent = await chooseBackend();
  await wordsLoaded; // ~180 kB; the page works without them (no completions, no correction)
  recoverFromContextLoss();
  const installed = await offerModes();
  // A remembered or default mode whose model is not there falls back to one that is; one asked for in the URL does not.
  if (!params.has('model') && installed[modelName] === false) {
    modelName = MODES.map((mode) => mode.name).find((name) => installed[name]) ?? DEFAULT_MODEL;
  }
  if (!(await useModel(modelName))) return; // the reason is on screen; Start stays disabled
  await languageLoaded; // small (~70 kB); never fails: without it the page spells without it
  ui.start.disabled = false;
  showStatus('Ready. Press Start camera, or choose a photo.');
}

main();
