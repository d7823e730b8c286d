// Remembered choices (localStorage): the speller's threshold and hold time, the model, the camera,
// and the words the user kept when Undo took a correction back (speller.js keptWords).
// Stored values are checked on the way in, so a stale or hand-edited entry cannot break the page.

import { DEFAULTS } from './speller.js';
import { readStored, writeStored } from './storage.js';

const KEY = 'signcam.settings';
// The speller's rule changed on 2026-12-04 (evidence, not a bar held in a row: speller.js); a
// threshold and hold remembered from before meant something else, so they are not carried over.
const SPELLER_RULE = 2;
export const LIMITS = Object.freeze({
  threshold: { min: 0.25, max: 0.9, step: 0.05 },
  holdMs: { min: 100, max: 1500, step: 100 },
});

const inRange = (value, { min, max }) => typeof value === 'number' && value >= min && value <= max;
export const KEPT_WORDS = 500; // the most recent kept
const keptWords = (stored) => (Array.isArray(stored) ? stored.filter((word) => /^[A-Z]{1,40}$/.test(word)).slice(-KEPT_WORDS) : []);

export function loadSettings() {
  const stored = readStored(KEY); // {} where blocked or unreadable: the defaults
  const current = stored.spellerRule === SPELLER_RULE;
  return {
    spellerRule: SPELLER_RULE,
    threshold: current && inRange(stored.threshold, LIMITS.threshold) ? stored.threshold : DEFAULTS.threshold,
    holdMs: current && inRange(stored.holdMs, LIMITS.holdMs) ? stored.holdMs : DEFAULTS.holdMs,
    model: typeof stored.model === 'string' ? stored.model : null,
    facingMode: stored.facingMode === 'environment' ? 'environment' : 'user',
    landmarks: stored.landmarks !== false, // hand landmarks on unless turned off
    english: stored.english !== false, // the letter model of English (language.js) on unless turned off
    learnFromWords: stored.learnFromWords !== false, // the words kept teach the user's signs (teach.js) unless turned off
    keptWords: keptWords(stored.keptWords),
  };
}

export function saveSettings(settings) {
  writeStored(KEY, settings);
}

/**
 * Wire the settings panel's two sliders to `speller` and to storage, and remember the words the
 * speller keeps (a correction undone), with a button to forget them.
 * `settings` is the object from loadSettings(); it is updated in place and saved on every change.
 */
export function bindSettingsPanel({ threshold, thresholdValue, hold, holdValue, reset, forgetKept }, settings, speller) {
  const showKept = () => {
    forgetKept.hidden = speller.kept.size === 0;
    forgetKept.textContent = `Forget the ${speller.kept.size} word${speller.kept.size === 1 ? '' : 's'} kept from correction`;
  };
  speller.onKeep = () => {
    settings.keptWords = [...speller.kept].slice(-KEPT_WORDS);
    saveSettings(settings);
    showKept();
  };
  forgetKept.addEventListener('click', () => {
    speller.kept.clear();
    settings.keptWords = [];
    saveSettings(settings);
    showKept();
  });
  showKept();
  const show = () => {
    threshold.value = settings.threshold;
    hold.value = settings.holdMs;
    thresholdValue.textContent = `${Math.round(settings.threshold * 100)}%`;
    holdValue.textContent = `${(settings.holdMs / 1000).toFixed(1)} s`;
    speller.threshold = settings.threshold;
    speller.holdMs = settings.holdMs;
  };
  Object.assign(threshold, LIMITS.threshold);
  Object.assign(hold, LIMITS.holdMs);
  threshold.addEventListener('input', () => {
    settings.threshold = Number(threshold.value);
    show();
    saveSettings(settings);
  });
  hold.addEventListener('input', () => {
    settings.holdMs = Number(hold.value);
    show();
    saveSettings(settings);
  });
  reset.addEventListener('click', () => {
    settings.threshold = DEFAULTS.threshold;
    settings.holdMs = DEFAULTS.holdMs;
    show();
    saveSettings(settings);
  });
  show();
}
