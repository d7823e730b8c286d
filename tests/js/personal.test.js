// Unit tests for web/personal.js: storing the user's own signs, and the lesson that records them
// (`node --test tests/js`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  BETA, FILE_FORMAT, GIVE_UP_MS, Lesson, OwnSigns, PER_SIGN, READY_MS, SignsFileError, handPoint, personalProbabilities,
  readSignsFile, signsFile,
} from '../../web/personal.js';

class MemoryStorage {
  constructor(items = {}) { this.items = { ...items }; }
  getItem(key) { return key in this.items ? this.items[key] : null; }
  setItem(key, value) { this.items[key] = String(value); }
}

const hand = (value) => new Float32Array(63).fill(value);

test('taught hands are kept per model, newest PER_SIGN, and read back by a new page', () => {
  const storage = new MemoryStorage();
  const letters = new OwnSigns('letters', storage);
  assert.ok(letters.empty);
  letters.teach('U', Array.from({ length: PER_SIGN + 3 }, (_, i) => hand(i / 100)));
  assert.deepEqual(letters.counts(), { U: PER_SIGN });
  const reloaded = new OwnSigns('letters', storage);
  assert.deepEqual(reloaded.counts(), { U: PER_SIGN });
  assert.equal(reloaded.taught.U[0][0], 0.03); // the first three were the oldest
  assert.ok(new OwnSigns('digits', storage).empty); // another model's signs are its own
});

test('teaching a sign again replaces it; forget removes them all', () => {
  const signs = new OwnSigns('letters', new MemoryStorage());
  signs.teach('R', [hand(0.1), hand(0.2)]);
  signs.teach('R', [hand(0.3)]);
  signs.teach('T', [hand(0.4)]);
  assert.deepEqual(signs.counts(), { R: 1, T: 1 });
  signs.forget();
  assert.ok(signs.empty);
});

test('unreadable storage starts empty; blocked or full storage keeps the signs for this visit', () => {
  for (const stored of ['{not json', '[1, 2]', '7', 'null']) {
    assert.ok(new OwnSigns('letters', new MemoryStorage({ 'signcam.own-signs.letters': stored })).empty, stored);
  }
  const edited = JSON.stringify({ A: 'abc', B: [[1, 2]], C: [Array(63).fill(0.5)], D: [Array(63).fill('x')] });
  assert.deepEqual(new OwnSigns('letters', new MemoryStorage({ 'signcam.own-signs.letters': edited })).counts(), { C: 1 });
  const blocked = new OwnSigns('letters'); // no window.localStorage here, as where storage is blocked
  blocked.teach('B', [hand(0.2)]);
  assert.deepEqual(blocked.counts(), { B: 1 });
  const full = new MemoryStorage();
  full.setItem = () => { throw new DOMException('quota', 'QuotaExceededError'); };
  const kept = new OwnSigns('letters', full);
  kept.teach('A', [hand(0.5)]);
  assert.deepEqual(kept.counts(), { A: 1 });
  assert.equal(kept.taught.A[0][0], 0.5); // still there to read hands by, for this visit
});

test('every change of the taught hands is counted, so the recogniser works their points out again', () => {
  const signs = new OwnSigns('letters', new MemoryStorage());
  const versions = [signs.version];
  signs.teach('A', [hand(0.1)]);
  versions.push(signs.version);
  signs.teach('A', [hand(0.2)]);
  versions.push(signs.version);
  signs.forget();
  versions.push(signs.version);
  assert.equal(new Set(versions).size, 4);
});

test('a hand point is the 63 numbers, then BETA times the square root of each keypoint probability', () => {
  const point = handPoint(hand(0.25), [0.81, 0.19, 0]);
  assert.equal(point.length, 66);
  assert.equal(point[62], 0.25);
  assert.deepEqual(point.slice(63).map((v) => Math.round(v * 1e6) / 1e6), [0.9 * BETA, Math.sqrt(0.19) * BETA, 0].map((v) => Math.round(v * 1e6) / 1e6));
  const taught = { A: [handPoint(hand(0.25), [0.81, 0.19, 0])], B: [handPoint(hand(0.25), [0, 0.1, 0.9])] };
  const read = personalProbabilities(point, taught, ['A', 'B', 'C']); // same landmarks: the model's answer decides
  assert.ok(read[0] > 0.99, read);
});

/** Feed a lesson one frame every 100 ms for `ms`; `handEvery` = every how many frames a hand is found. */
function frames(lesson, clock, ms, handEvery = 1) {
  const seen = [];
  for (let t = 0; t < ms; t += 100, clock.now += 100) {
    const frame = Math.round(clock.now / 100);
    seen.push(lesson.update(frame % handEvery === 0 ? hand(frame) : null, clock.now));
  }
  return seen;
}

test('a lesson waits READY_MS for the sign to be formed, then keeps PER_SIGN frames with a hand', () => {
  const clock = { now: 0 };
  const lesson = new Lesson(['U'], clock.now);
  const ready = frames(lesson, clock, READY_MS - 100);
  assert.ok(ready.every((state) => state.phase === 'ready' && state.count === 0)); // the hand still moving
  const seen = frames(lesson, clock, 100 + (PER_SIGN * 2 + 1) * 100, 2); // a hand in every 2nd frame
  const taught = seen.filter((state) => state.taught);
  assert.equal(taught.length, 1);
  assert.equal(taught[0].taught.sign, 'U');
  assert.equal(taught[0].taught.hands.length, PER_SIGN);
  assert.ok(taught[0].taught.hands.every((h) => h[0] % 2 === 0)); // only frames with a hand (even ones)
  assert.equal(seen.at(-1).phase, 'done');
  assert.equal(lesson.phase, 'done');
});

test('teaching every sign goes through them in order, with a moment to get ready before each', () => {
  const clock = { now: 0 };
  const lesson = new Lesson(['A', 'B', 'C'], clock.now);
  const seen = frames(lesson, clock, 3 * (READY_MS + (PER_SIGN + 2) * 100));
  assert.deepEqual(seen.filter((s) => s.taught).map((s) => s.taught.sign), ['A', 'B', 'C']);
  const afterA = seen.findIndex((s) => s.taught) + 1;
  assert.equal(seen[afterA].phase, 'ready');
  assert.equal(seen[afterA].sign, 'B');
  assert.equal(seen.at(-1).phase, 'done');
});

test('a lesson with too few hands found ends after GIVE_UP_MS without teaching that sign', () => {
  const clock = { now: 0 };
  const lesson = new Lesson(['T', 'U'], clock.now);
  const seen = frames(lesson, clock, READY_MS + GIVE_UP_MS + 500, 40); // a hand in one frame of 40
  assert.ok(seen.every((state) => !state.taught));
  assert.equal(seen.at(-1).phase, 'no hand');
  assert.equal(seen.at(-1).sign, 'T');
  assert.equal(lesson.phase, 'no hand');
});

test('a signs file round-trips, and a wrong or damaged one is refused with the reason', () => {
  const signs = new OwnSigns('letters', new MemoryStorage());
  signs.teach('U', [hand(0.1), hand(0.2)]);
  const text = signsFile('letters', signs.taught);
  assert.deepEqual(readSignsFile(text, 'letters', ['U', 'R']), { signs: signs.taught, skipped: [], lessons: ['U'] });
  // Signs the model lacks, or whose hands are not 63 numbers each, are left out and named.
  const mixed = JSON.stringify({ format: FILE_FORMAT, version: 1, model: 'letters',
    signs: { U: [Array(63).fill(0.1)], '7': [Array(63).fill(0.2)], R: [[1, 2, 3]], S: [] } });
  assert.deepEqual(readSignsFile(mixed, 'letters', ['U', 'R', 'S']),
    { signs: { U: [Array(63).fill(0.1)] }, skipped: ['7', 'R', 'S'], lessons: ['U'] }); // a file that does not say: all
  const refused = (file, model, words) => assert.throws(() => readSignsFile(file, model, ['U', 'R']),
    (error) => error instanceof SignsFileError && words.test(error.message));
  refused(text, 'digits', /signs for the "letters" model: choose it/);
  refused('{not json', 'letters', /not a file of SignCam signs/);
  refused(JSON.stringify({ U: [Array(63).fill(0.1)] }), 'letters', /not a file of SignCam signs/);
  refused(JSON.stringify({ format: FILE_FORMAT, model: 'letters', signs: null }), 'letters', /not a file of SignCam signs/);
  refused(mixed.replace('"U"', '"Q"'), 'letters', /no signs the "letters" model can use/);
  // Only the newest PER_SIGN hands of a sign are kept, as when taught.
  const many = JSON.stringify({ format: FILE_FORMAT, model: 'letters',
    signs: { U: Array.from({ length: PER_SIGN + 2 }, (_, i) => Array(63).fill(i)) } });
  assert.equal(readSignsFile(many, 'letters', ['U']).signs.U.length, PER_SIGN);
  assert.equal(readSignsFile(many, 'letters', ['U']).signs.U[0][0], 2);
  // Hands learnt from words travel too, named apart from the lessons' (a lesson's win where both are).
  signs.learn([{ sign: 'R', hands: [hand(0.3)] }, { sign: 'U', hands: [hand(0.4)] }]);
  const both = JSON.parse(signsFile('letters', signs.taught, signs.learnt));
  assert.deepEqual(both.lessons, ['U']);
  assert.deepEqual(both.signs, { R: signs.learnt.R, U: signs.taught.U });
  // Loaded again elsewhere, they stay apart: a word's hands never come back as a lesson's.
  const elsewhere = new OwnSigns('letters', new MemoryStorage());
  const read = readSignsFile(JSON.stringify(both), 'letters', ['U', 'R']);
  elsewhere.load(read.signs, read.lessons);
  assert.deepEqual(elsewhere.taught, { U: signs.taught.U });
  assert.deepEqual(elsewhere.learnt, { R: signs.learnt.R });
  assert.deepEqual(JSON.parse(signsFile('letters', elsewhere.taught, elsewhere.learnt)).lessons, ['U']);
});

test("hands learnt from words are kept apart: they never push out a lesson's, and a lesson replaces them", () => {
  const storage = new MemoryStorage();
  const signs = new OwnSigns('letters', storage);
  signs.teach('A', Array.from({ length: PER_SIGN }, () => hand(0.1)));
  signs.learn([{ sign: 'A', hands: Array.from({ length: PER_SIGN + 2 }, () => hand(0.2)) }, { sign: 'B', hands: [hand(0.3)] }]);
  assert.deepEqual(signs.counts(), { A: 2 * PER_SIGN, B: 1 }); // the lesson's ten and the newest ten learnt
  assert.deepEqual(signs.hands().A.map((h) => h[0]), [...Array(PER_SIGN).fill(0.1), ...Array(PER_SIGN).fill(0.2)]);
  const reloaded = new OwnSigns('letters', storage);
  assert.deepEqual(reloaded.counts(), { A: 2 * PER_SIGN, B: 1 });
  reloaded.teach('B', [hand(0.4)]); // a lesson of B replaces what words taught of it
  assert.deepEqual(reloaded.hands().B.map((h) => h[0]), [0.4]);
  reloaded.forget();
  assert.ok(reloaded.empty && new OwnSigns('letters', storage).empty);
});
