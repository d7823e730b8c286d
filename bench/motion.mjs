// J and Z on synthetic strokes (no recording of the motions is at hand): the letter's stroke drawn
// bigger or smaller, squashed, mirrored and shaky (recall), and hands moved otherwise: held still, in
// a line, a circle, a V, a 7 (taken for J or Z: false), and down-then-sideways (a corner, which it
// does take for J). Used by tests/js/motion.test.js and by the
// spelling benchmark (studies/spelling.py).
//
//   node bench/motion.mjs   -> {"J": {recall}, "Z": {recall}, "other_movements": {n, taken_for_j_or_z},
//                               "down_then_sideways": {n, taken_for_j}}
import { pathToFileURL } from 'node:url';

import { TEMPLATES, matches, resample } from '../web/motion.js';

export function generator(seed = 7) {
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-9)) * Math.cos(2 * Math.PI * random());
  /** A path drawn n points long, scale pixels, mirrored or not, each axis stretched ±20 %, shaky. */
  const drawn = (path, { n = 15, scale = 150, mirror = 1, shake = 6 } = {}) => {
    const [sx, sy] = [scale * (1 + 0.2 * gauss()), scale * (1 + 0.2 * gauss())];
    return resample(path.map(([x, y]) => [mirror * x, y]), n).map(([x, y]) => [x * sx + shake * gauss(), y * sy + shake * gauss()]);
  };
  const stroke = (letter, i) => drawn(TEMPLATES[letter].path, { n: 10 + (i % 15), scale: 100 + (i % 5) * 25,
    mirror: i % 2 ? 1 : -1, shake: [3, 6, 10][i % 3] });
  const others = {
    still: () => Array.from({ length: 15 }, () => [3 * gauss(), 3 * gauss()]),
    line: () => { const a = random() * 2 * Math.PI; return drawn([[0, 0], [Math.cos(a), Math.sin(a)]]); },
    circle: () => drawn(Array.from({ length: 20 }, (_, i) => [Math.cos((i / 19) * 2 * Math.PI), Math.sin((i / 19) * 2 * Math.PI)])),
    vee: () => drawn([[0, 0], [0.5, 1], [1, 0]]),
    seven: () => drawn([[0, 0], [1, 0], [0.3, 1]]),
  };
  // Down, then sideways: a J's hook is a rounded corner, and this matcher takes a corner for it.
  const corner = () => drawn([[0, 0], [0, 1], [0.6, 1]]);
  return { stroke, others, corner };
}

export function measureMotion(n = 300) {
  const { stroke, others, corner } = generator();
  const result = {};
  for (const letter of Object.keys(TEMPLATES)) {
    let hits = 0;
    for (let i = 0; i < n; i++) hits += matches(stroke(letter, i), letter);
    result[letter] = { strokes: n, recall: hits / n };
  }
  let taken = 0, total = 0;
  for (const make of Object.values(others)) {
    for (let i = 0; i < 200; i++, total++) {
      const track = make();
      taken += Object.keys(TEMPLATES).some((letter) => matches(track, letter));
    }
  }
  result.other_movements = { n: total, taken_for_j_or_z: taken };
  let corners = 0;
  for (let i = 0; i < 200; i++) corners += matches(corner(), 'J');
  result.down_then_sideways = { n: 200, taken_for_j: corners };
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(JSON.stringify(measureMotion()));
