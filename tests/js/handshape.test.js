// Unit tests for web/handshape.js and web/practice.js: `node --test tests/js`.
// The feedback rules are checked on hands of a signer no model or chart saw: tests/fixtures/
// held-out-hands.json (S2 of asl-letters-multisigner, written by `python -m training.chart --name
// letters --held-out-hands ...`), against the shipped chart web/model/letters/signs.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { differences, measure, mirrored, PARTS } from '../../web/handshape.js';
import { feedbackRate } from '../../studies/feedback_rate.mjs';
import { Attempt, LEARNT_AFTER, Progress, RIGHT_MS, WRONG_MS, isLeftHand, nextSign } from '../../web/practice.js';

const read = (path) => JSON.parse(fs.readFileSync(new URL(path, import.meta.url)));
const chart = Object.fromEntries(read('../../web/model/letters/signs.json').signs.map((sign) => [sign.label, sign]));
const { hands: held } = read('../fixtures/held-out-hands.json');

test('feedback on held-out hands names a real difference for most confused pairs', () => {
  const { overall, n, pairs } = feedbackRate(chart, held);
  console.log(Object.entries(pairs).map(([name, [rate]]) => `${name}: ${(100 * rate).toFixed(0)}%`).join(', '));
  console.log(`names a real difference: ${(100 * overall).toFixed(1)}% of ${n} held-out hands`);
  assert.ok(n >= 500, `only ${n} held-out hands`);
  assert.ok(overall >= 0.9, `feedback names a real difference for ${(100 * overall).toFixed(1)}% only`);
  // Pairs whose reference hands differ clearly (fingers: G/H, C/O, the fists against E) are never missed.
  for (const name of ['G as H', 'O as C', 'S as E', 'M as E', 'N as E', 'D as Z']) {
    assert.ok(pairs[name][0] >= 0.9, `${name}: ${pairs[name][0]}`);
  }
});

test('a thumb across the fingers asked as A is told where the thumb goes, and that it makes S', () => {
  const { hand } = held.S.find(({ read: readAs }) => readAs === 'S');
  const [first] = differences(hand, 'A', chart, 'S');
  assert.equal(first.part, 'thumbAcross');
  assert.match(first.text, /^Your thumb is .*: that makes S\. For A, rest your thumb against the side of your index finger\.$/);
});

test('a still I asked as J is told to draw the J; a hand read as a sign unlike the asked one is told its shape', () => {
  const { hand } = held.I.find(({ read: readAs }) => readAs === 'I');
  const [first] = differences(hand, 'J', chart, 'I');
  assert.equal(first.part, 'motion');
  assert.match(first.text, /^That is held still: it makes I\. For J, move: with the little finger, draw a J/);
  const fist = held.S.find(({ read: readAs }) => readAs === 'S').hand; // S is still, J moves, and their hands differ
  assert.notEqual(differences(fist, 'J', chart, 'S')[0].part, 'motion');
  assert.equal(differences(held.J[0].hand, 'I', chart, 'J')[0].text, 'That makes J, which is drawn in the air. For I, hold your hand still.');
});

test('the asked sign\'s own hand has nothing to change; a mirrored hand keeps its fingers', () => {
  for (const sign of Object.values(chart)) {
    assert.deepEqual(differences(sign.hand, sign.label, chart), [], sign.label);
    const [plain, flipped] = [measure(sign.hand), measure(mirrored(sign.hand))];
    for (const part of ['index', 'middle', 'ring', 'little', 'thumbAcross', 'pinch', 'spread', 'pointing']) {
      assert.ok(Math.abs(plain[part] - flipped[part]) < 1e-3, `${sign.label} ${part}`); // float32
    }
  }
  assert.equal(isLeftHand({ handedness: 'Right' }), true); // MediaPipe names hands as if mirrored
});

test('every measure has words for its values and a way to change them', () => {
  for (const [name, part] of Object.entries(PARTS)) {
    for (const value of [-10, 0, 0.5, 1, 2, 50, 100, 170]) assert.ok(part.to[part.word(value)], `${name} ${value}`);
    assert.ok(part.more && part.less && part.tol > 0, name);
  }
});

// A recogniser's answer for one frame: a hand (features) read as `label`.
const frame = (label, probability = 0.9, features = chart[label]?.hand ?? chart.A.hand) =>
  ({ top: [{ label, probability }], features, hand: { handedness: 'Left' } });

test('an attempt is right after the sign is held, wrong (with what to change) after another is', () => {
  const attempt = new Attempt('A', chart);
  let now = 0;
  assert.equal(attempt.update({ top: [{ label: 'nothing', probability: 1 }], features: null }, now), 'waiting');
  for (; now < WRONG_MS + 100; now += 100) attempt.update(frame('S'), now);
  assert.equal(attempt.phase, 'wrong');
  assert.equal(attempt.read, 'S');
  assert.ok(attempt.differences.length > 0 && attempt.differences[0].text.includes('For A'));
  const start = now;
  for (; now < start + RIGHT_MS + 100; now += 100) attempt.update(frame('A'), now);
  assert.equal(attempt.phase, 'right');
  assert.equal(attempt.missed, true);
  const drawnJ = new Attempt('J', chart); // J's motion, read by motion.js, counts as J
  assert.equal(drawnJ.update(frame('I'), 0, 'J'), 'right');
  const unsure = new Attempt('A', chart);
  for (now = 0; now < 3000; now += 100) unsure.update(frame('A', 0.3), now);
  assert.equal(unsure.phase, 'trying'); // a guess is neither right nor wrong
});

class MemoryStorage {
  constructor() { this.items = {}; }
  getItem(key) { return this.items[key] ?? null; }
  setItem(key, value) { this.items[key] = String(value); }
}

test('progress is kept per model, learnt after right first time runs, and moves between browsers', () => {
  const storage = new MemoryStorage();
  const progress = new Progress('letters', storage);
  for (let i = 0; i < LEARNT_AFTER; i++) progress.record('B', { right: true, missed: false });
  progress.record('S', { right: true, missed: true });
  assert.equal(progress.learnt('B'), true);
  assert.equal(progress.learnt('S'), false);
  const again = new Progress('letters', storage); // a reload
  assert.deepEqual(again.signs, progress.signs);
  assert.deepEqual(new Progress('digits', storage).signs, {});
  const other = new Progress('letters', new MemoryStorage());
  assert.deepEqual(other.load(progress.toFile()).sort(), ['B', 'S']);
  assert.throws(() => new Progress('digits', new MemoryStorage()).load(progress.toFile()), /progress on letters/);
  assert.throws(() => other.load('not json'), /not a SignCam progress file/);
  storage.setItem('signcam.practice.letters', '{"A": {"right": "x"}}'); // edited by hand: that sign is dropped
  assert.deepEqual(new Progress('letters', storage).signs, {});
});

test('drills come back more often to the signs that went wrong, never the same sign twice running', () => {
  const progress = new Progress('letters', new MemoryStorage());
  for (let i = 0; i < 3; i++) progress.record('S', { right: false, missed: true });
  for (let i = 0; i < LEARNT_AFTER; i++) progress.record('A', { right: true, missed: false });
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const counts = { A: 0, S: 0, T: 0 };
  let previous = null;
  for (let i = 0; i < 3000; i++) {
    const sign = nextSign(['A', 'S', 'T'], progress, previous, random);
    assert.notEqual(sign, previous);
    counts[sign] += 1;
    previous = sign;
  }
  assert.ok(counts.S > counts.T && counts.T > counts.A, JSON.stringify(counts));
});
