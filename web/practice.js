// Practice: the page asks for a sign, the learner signs it, and the page says live whether it is
// right; when it is not, what it read instead and what differs (handshape.js), with the learner's
// hand drawn beside the sign's own. Results are kept per sign in this browser (Progress), and the
// next sign asked for is more often one the learner gets wrong (nextSign).

import { differences, mirrored } from './handshape.js';
import { readStored, writeStored } from './storage.js';

export const RIGHT_MS = 600; // the asked sign read this long without a break: right
export const WRONG_MS = 1500; // another sign read this long: wrong, and what to change
export const MIN_PROBABILITY = 0.5;
export const LEARNT_AFTER = 2; // right first time this many times running: learnt

/** One sign asked for: update() with each frame's reading; phase 'waiting' (no hand), 'trying',
 *  'right' or 'wrong' (then `read` and `differences`). A wrong attempt can still become right. */
export class Attempt {
  constructor(sign, chart) {
    this.sign = sign;
    this.chart = chart;
    this.phase = 'waiting';
    this.missed = false; // said wrong at least once before it was right
    this.since = null; // when the current reading began
    this.reading = null;
    this.read = null;
    this.differences = [];
  }

  /** result: the recogniser's answer for a frame ({top, features, hand}); now: ms; drawn: a letter
   *  drawn in the air on this frame (motion.js), which counts as read. */
  update(result, now, drawn = null) {
    if (this.phase === 'right') return this.phase;
    if (drawn === this.sign) {
      this.phase = 'right';
      return this.phase;
    }
    const top = result.top[0];
    const sure = top.probability >= MIN_PROBABILITY;
    const reading = result.features && sure ? top.label : null;
    if (reading !== this.reading) {
      this.reading = reading;
      this.since = now;
    }
    if (!result.features) {
      if (this.phase !== 'wrong') this.phase = 'waiting';
      return this.phase;
    }
    const held = now - this.since;
    if (reading === this.sign && held >= RIGHT_MS) {
      this.phase = 'right';
    } else if (reading !== null && reading !== this.sign && held >= WRONG_MS) {
      this.phase = 'wrong';
      this.missed = true;
      this.read = reading;
    } else if (this.phase !== 'wrong') {
      this.phase = 'trying';
    }
    if (this.phase === 'wrong' && this.chart[this.sign]) { // live: follows the hand as it changes
      const hand = isLeftHand(result.hand) ? mirrored(result.features) : result.features;
      this.differences = differences(hand, this.sign, this.chart, this.read);
    }
    return this.phase;
  }
}

/** MediaPipe names handedness as if the picture were mirrored (a selfie): frames reach it unmirrored
 *  (hands.js selfieMode false), so its "Right" is the signer's left hand. */
export function isLeftHand(hand) {
  return hand?.handedness === 'Right';
}

/** Per-sign results, kept in localStorage under signcam.practice.MODEL:
 *  {sign: {right, wrong, run}}: run = right first time this many attempts running. */
export class Progress {
  constructor(model, storage = null) {
    this.key = `signcam.practice.${model}`;
    this.model = model;
    this.storage = storage;
    this.signs = Progress.valid(readStored(this.key, storage));
  }

  static valid(object) {
    const ok = (r) => r && [r.right, r.wrong, r.run].every((n) => Number.isInteger(n) && n >= 0);
    return object && typeof object === 'object' && !Array.isArray(object)
      ? Object.fromEntries(Object.entries(object).filter(([, r]) => ok(r))) : {};
  }

  /** An attempt ended: right (first time or after a miss), or given up on (skipped while wrong). */
  record(sign, { right, missed }) {
    const r = this.signs[sign] ?? { right: 0, wrong: 0, run: 0 };
    if (right) r.right += 1;
    if (missed) r.wrong += 1;
    r.run = right && !missed ? r.run + 1 : 0;
    this.signs[sign] = r;
    this.save();
  }

  learnt(sign) {
    return (this.signs[sign]?.run ?? 0) >= LEARNT_AFTER;
  }

  save() {
    writeStored(this.key, this.signs, this.storage); // full or blocked: this visit's results still count
  }

  forget() {
    this.signs = {};
    this.save();
  }

  /** A file to keep or move progress, like "Save my signs". */
  toFile() {
    return JSON.stringify({ signcam: 'practice', model: this.model, progress: this.signs }, null, 1);
  }

  /** Merge a file from toFile(); throws Error with a reason a user can read. */
  load(text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      throw new Error('it is not a SignCam progress file (not JSON)');
    }
    if (data?.signcam !== 'practice') throw new Error('it is not a SignCam progress file');
    if (data.model !== this.model) throw new Error(`it is progress on ${data.model}, not ${this.model}`);
    const loaded = Progress.valid(data.progress);
    Object.assign(this.signs, loaded);
    this.save();
    return Object.keys(loaded);
  }
}

/** The next sign to ask for: each sign weighed by how often it went wrong and whether it is learnt,
 *  never the sign just asked. random: () => [0, 1) (tests pass their own). */
export function nextSign(signs, progress, previous = null, random = Math.random) {
  const candidates = signs.length > 1 ? signs.filter((sign) => sign !== previous) : signs;
  const weights = candidates.map((sign) => {
    const r = progress.signs[sign] ?? { right: 0, wrong: 0, run: 0 };
    return (progress.learnt(sign) ? 0.25 : 1) * (1 + 2 * r.wrong) / (1 + r.right);
  });
  let pick = random() * weights.reduce((a, b) => a + b, 0);
  for (const [i, weight] of weights.entries()) {
    pick -= weight;
    if (pick < 0) return candidates[i];
  }
  return candidates.at(-1);
}
