// J and Z are drawn in the air: J by the little finger of an I hand, Z by the index finger of a
// pointing hand. No recording of them is at hand to learn from, so this is a path matcher: the
// fingertip's track over the last second, resampled and scaled, is compared with the letter's stroke
// (TEMPLATES, as the signer draws it, and mirrored: a left hand, or a front camera's mirror), and a
// track near one, drawn by the right handshape, is that letter. The still end poses are still read by
// the models as before.

import { measure } from './handshape.js';

export const WINDOW_MS = 1200; // a stroke is drawn within this
export const POINTS = 24; // a track is resampled to this many points
export const MIN_PATH = 1.2; // the tip must travel at least this many hand sizes: a still hand draws nothing
export const COOLDOWN_MS = 800;
// The handshape may be misread, or the hand lost, for a frame or two while it moves: the shape's
// start (`since`) is forgotten only after this long without it.
export const SHAPE_GRACE_MS = 400;

// Strokes as the signer draws them (x right, y down, seen from behind the hand); the camera sees them
// mirrored, so each is matched as it is and mirrored.
// aspect: the track's box, width over height (a J's hook is a quarter as wide as it is tall or more:
// a hand moved straight down is no J); minTurn: degrees between the stroke's first and last thirds
// (a J turns back); maxDistance: how near the stroke a track must be.
export const TEMPLATES = {
  J: { tip: 20, path: [[0, 0], [0, 0.5], [0.05, 0.8], [-0.1, 1], [-0.35, 1.05], [-0.55, 0.85]],
    aspect: [0.25, 1.2], maxDistance: 0.14, minTurn: 60 },
  Z: { tip: 8, path: [[0, 0], [0.5, 0], [1, 0], [0.5, 0.5], [0, 1], [0.5, 1], [1, 1]],
    aspect: [0.4, 2.5], maxDistance: 0.18, minTurn: 0 },
};

/** Whether a hand (63 normalised numbers) has the handshape that draws `letter`. */
export function drawsWith(letter, features) {
  const m = measure(features);
  const bent = (finger) => m[finger] > 55; // folded well away from the hand's line, curled or not
  const straight = (finger) => m[finger] < 50;
  if (letter === 'J') return straight('little') && bent('index') && bent('middle') && bent('ring');
  return straight('index') && bent('middle') && bent('ring'); // the little finger of a D or Z may be half open
}

const pathLength = (points) => points.slice(1).reduce((sum, p, i) => sum + Math.hypot(p[0] - points[i][0], p[1] - points[i][1]), 0);

/** `points` resampled to n points evenly spaced along the path. */
export function resample(points, n = POINTS) {
  const total = pathLength(points);
  if (total === 0) return Array(n).fill(points[0]);
  const step = total / (n - 1);
  const out = [points[0]];
  let [prev, i, carried] = [points[0], 1, 0];
  while (i < points.length && out.length < n) {
    const next = points[i];
    const d = Math.hypot(next[0] - prev[0], next[1] - prev[1]);
    if (carried + d >= step && d > 0) {
      const t = (step - carried) / d;
      prev = [prev[0] + t * (next[0] - prev[0]), prev[1] + t * (next[1] - prev[1])];
      out.push(prev);
      carried = 0;
    } else {
      carried += d;
      prev = next;
      i += 1;
    }
  }
  while (out.length < n) out.push(points.at(-1));
  return out;
}

/** Centred on its centroid, scaled so that its box's longer side is 1 (its shape kept). */
function normalised(points) {
  const xs = points.map(([x]) => x), ys = points.map(([, y]) => y);
  const side = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const [cx, cy] = [xs.reduce((a, b) => a + b) / xs.length, ys.reduce((a, b) => a + b) / ys.length];
  return points.map(([x, y]) => [(x - cx) / side, (y - cy) / side]);
}

/** Whether a track is drawn like `letter`: the right proportions, near its stroke. */
export function matches(track, letter) {
  const { aspect: [low, high], maxDistance, minTurn } = TEMPLATES[letter];
  const xs = track.map(([x]) => x), ys = track.map(([, y]) => y);
  const ratio = (Math.max(...xs) - Math.min(...xs)) / ((Math.max(...ys) - Math.min(...ys)) || 1e-6);
  return ratio >= low && ratio <= high && turn(track) >= minTurn && distance(track, letter) <= maxDistance;
}

/** Degrees between the directions of a track's first and last thirds. */
export function turn(track) {
  const p = resample(track);
  const third = Math.floor(p.length / 3);
  const [a, b] = [[p[third][0] - p[0][0], p[third][1] - p[0][1]], [p.at(-1)[0] - p.at(-1 - third)[0], p.at(-1)[1] - p.at(-1 - third)[1]]];
  const cos = (a[0] * b[0] + a[1] * b[1]) / ((Math.hypot(...a) * Math.hypot(...b)) || 1);
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
}

// Each letter's stroke as drawn and mirrored, resampled and scaled once.
const STROKES = Object.fromEntries(Object.entries(TEMPLATES).map(([letter, { path }]) =>
  [letter, [1, -1].map((mirror) => normalised(resample(path.map(([x, y]) => [mirror * x, y]))))]));

/** The mean distance between a track and a letter's stroke (as drawn, or mirrored: the nearer), both
 *  scaled to a unit box. */
export function distance(track, letter) {
  const a = normalised(resample(track));
  return Math.min(...STROKES[letter].map((b) =>
    a.reduce((sum, p, i) => sum + Math.hypot(p[0] - b[i][0], p[1] - b[i][1]), 0) / a.length));
}

/** Follows the fingertips frame by frame; update() returns 'J' or 'Z' on the frame a stroke is
 *  completed, else null. `trail` is the track being drawn (for the overlay); `since[letter]` when the
 *  hand took the handshape that drew it (the I a J starts from: the speller replaces an I typed since). */
export class MotionReader {
  constructor() {
    this.frames = []; // {now, tips: {J: [x, y], Z: [x, y]}, size, shapes: {J: bool, Z: bool}}
    this.quietUntil = 0;
    this.trail = [];
    this.since = {};
    this.shapeSeen = {}; // when each letter's handshape was last seen
  }

  /** Forget the start of a handshape not seen for SHAPE_GRACE_MS. */
  #forgetShapes(now) {
    for (const letter of Object.keys(this.since)) {
      if (now - this.shapeSeen[letter] > SHAPE_GRACE_MS) delete this.since[letter];
    }
  }

  /** hand: {points: 21 × [x, y, z] in 0..1} or null; features: its 63 normalised numbers; width, height: the frame's. */
  update(hand, features, width, height, now) {
    this.frames = this.frames.filter((frame) => now - frame.now <= WINDOW_MS);
    if (!hand || !features) {
      this.trail = [];
      this.#forgetShapes(now);
      return null;
    }
    const pixels = hand.points.map(([x, y]) => [x * width, y * height]);
    const [wrist] = pixels;
    const size = Math.max(...pixels.map(([x, y]) => Math.hypot(x - wrist[0], y - wrist[1])));
    const frame = { now, size, tips: {}, shapes: {} };
    for (const [letter, { tip }] of Object.entries(TEMPLATES)) {
      frame.tips[letter] = pixels[tip];
      frame.shapes[letter] = drawsWith(letter, features);
      if (frame.shapes[letter]) {
        this.since[letter] ??= now;
        this.shapeSeen[letter] = now;
      }
    }
    this.#forgetShapes(now);
    this.frames.push(frame);
    const drawing = Object.keys(TEMPLATES).find((letter) => frame.shapes[letter]);
    this.trail = drawing ? this.frames.filter((f) => f.shapes[drawing]).map((f) => f.tips[drawing]) : [];
    if (now < this.quietUntil || this.frames.length < 6) return null;
    for (const letter of Object.keys(TEMPLATES)) {
      const frames = this.frames.filter((f) => f.shapes[letter]);
      if (frames.length < 0.8 * this.frames.length || frames.length < 6) continue;
      const track = frames.map((f) => f.tips[letter]);
      const size = frames.reduce((sum, f) => sum + f.size, 0) / frames.length;
      if (pathLength(track) < MIN_PATH * size) continue;
      if (matches(track, letter)) {
        this.frames = [];
        this.quietUntil = now + COOLDOWN_MS;
        return letter;
      }
    }
    return null;
  }

  reset() {
    this.frames = [];
    this.trail = [];
    this.since = {};
    this.shapeSeen = {};
  }
}
