// Unit tests for web/speller.js: `node --test tests/js` (tests/test_speller.py runs them under pytest).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEFAULTS, FADE, Speller } from '../../web/speller.js';

const FRAME_MS = 100;

/** Feed `label` at `probability` for `ms`, one frame every 100 ms; returns the labels committed. */
function hold(speller, clock, label, ms, probability = 0.93) {
  const committed = [];
  for (let t = 0; t < ms; t += FRAME_MS) {
    const { committed: c } = speller.update(label === null ? null : { label, probability }, clock.now);
    if (c !== null) committed.push(c);
    clock.now += FRAME_MS;
  }
  return committed;
}

function spell(sequence, options) {
  const speller = new Speller(options);
  const clock = { now: 0 };
  for (const [label, ms, probability] of sequence) hold(speller, clock, label, ms, probability);
  return speller;
}

test('a sign held for the hold time is typed once, however long it is held', () => {
  const speller = new Speller({ threshold: 0.7, holdMs: 800 });
  const clock = { now: 0 };
  assert.deepEqual(hold(speller, clock, 'H', 700), []); // not yet
  assert.deepEqual(hold(speller, clock, 'H', 5000), ['H']);
  assert.equal(speller.text, 'H');
});

test('progress rises to 1 as evidence builds, and a sure sign is typed sooner than an unsure one', () => {
  const speller = new Speller({ threshold: 0.3, holdMs: 300 });
  const progress = [];
  let committed = null;
  for (let t = 0; committed === null && t < 3000; t += 50) {
    ({ committed } = speller.update({ label: 'A', probability: 0.9 }, t));
    progress.push(speller.update({ label: 'A', probability: 0.9 }, t).progress);
  }
  assert.equal(committed, 'A');
  assert.ok(progress.every((value, i) => i === 0 || value >= progress[i - 1]), progress.join());
  assert.equal(speller.update({ label: 'A', probability: 0.9 }, 5000).progress, 1); // typed, waiting for release
  assert.equal(speller.update(null, 5050).progress, 0);
  const when = (probability) => {
    const clock = { now: 0 };
    const s = new Speller({ threshold: 0.3, holdMs: 300 });
    while (s.text === '' && clock.now < 5000) hold(s, clock, 'B', FRAME_MS, probability);
    return clock.now;
  };
  assert.ok(when(0.95) < when(0.5) && when(0.5) < 5000, `${when(0.95)} ${when(0.5)}`);
});

test('below the threshold nothing is typed; a moment misread does not start the hold again', () => {
  assert.equal(spell([['H', 3000, 0.29]], { threshold: 0.3 }).text, '');
  // 400 ms, a frame read as another sign, 400 ms: the evidence for H carries over the misread frame.
  assert.equal(spell([['H', 400], ['K', 100], ['H', 400]], { holdMs: 500 }).text, 'H');
  // Evidence fades: the same H, interrupted by 3 s of another sign held below its own hold, is not typed.
  assert.equal(spell([['H', 400], ['K', 3000, 0.31], ['H', 300]], { holdMs: 600, threshold: 0.3 }).text, '');
});

test('a sign that changes before its hold is not typed; the next one is', () => {
  assert.equal(spell([['H', 300], ['I', 1500]], { holdMs: 800 }).text, 'I');
});

test('a letter read wrongly now and then is typed once, not twice, while it is held', () => {
  assert.equal(spell([['L', 500], ['I', 100], ['L', 500], ['I', 100], ['L', 1000]]).text, 'L');
});

test('HI then space types "HI "', () => {
  assert.equal(spell([['H', 1500], ['I', 1500], ['space', 1500]]).text, 'HI ');
});

test('a repeated letter needs a release: nothing, a low frame, or a while without it', () => {
  assert.equal(spell([['L', 3000]]).text, 'L');
  assert.equal(spell([['L', 1500], ['nothing', 500], ['L', 1500]]).text, 'LL');
  // The hand lowered for WORD_PAUSE_MS ends the word instead: a space.
  assert.equal(spell([['L', 1500], ['nothing', 1500], ['L', 1500]]).text, 'L L');
  assert.equal(spell([['L', 1500], [null, 1500], ['L', 1500], [null, 1500]]).text, 'L L ');
  assert.equal(spell([['L', 1500], ['L', 100, 0.2], ['L', 1500]]).text, 'LL');
  assert.equal(spell([['L', 1500], ['M', 300, 0.5], ['L', 1500]]).text, 'LL'); // another sign, too short to type
  assert.equal(spell([['L', 1500], ['M', 1000], ['L', 1500]]).text, 'LML');
  assert.equal(spell([['L', 1500], [null, 100], ['L', 1500]]).text, 'LL');
  assert.equal(spell([['H', 1000], ['E', 1000], ['L', 1000], ['nothing', 300], ['L', 1000], ['O', 1000]]).text, 'HELLO');
});

test('nothing types nothing, even held for long', () => {
  assert.equal(spell([['nothing', 5000]]).text, '');
});

test('del removes the last character, and does nothing to an empty text', () => {
  assert.equal(spell([['A', 1000], ['B', 1000], ['del', 1000]]).text, 'A');
  assert.equal(spell([['del', 1000]]).text, '');
  // del twice needs a release in between, like any repeated sign.
  assert.equal(spell([['A', 1000], ['B', 1000], ['del', 1000], ['nothing', 200], ['del', 1000]]).text, '');
});

test('the special classes are recognised in any case (Space, DEL, Nothing)', () => {
  assert.equal(spell([['A', 1000], ['Space', 1000], ['B', 1000], ['DEL', 1000], ['Nothing', 1000]]).text, 'A ');
});

test('digit labels are typed as they are', () => {
  assert.equal(spell([['4', 1000], ['2', 1000]]).text, '42');
});

test('undo steps back through typing, del and clear', () => {
  const speller = spell([['A', 1000], ['B', 1000], ['del', 1000]]);
  speller.clear();
  assert.equal(speller.text, '');
  assert.ok(speller.undo());
  assert.equal(speller.text, 'A'); // before Clear
  assert.ok(speller.undo());
  assert.equal(speller.text, 'AB'); // before del
  assert.ok(speller.undo());
  assert.ok(speller.undo());
  assert.equal(speller.text, '');
  assert.equal(speller.undo(), false); // nothing left to undo
});

test('reset forgets a half-held sign', () => {
  const speller = new Speller({ holdMs: 800 });
  speller.update({ label: 'A', probability: 0.9 }, 0);
  speller.reset();
  assert.equal(speller.update({ label: 'A', probability: 0.9 }, 800).committed, null);
});

test('after ignoreUntilRelease the sign held is not typed until a release, then typed as usual', () => {
  // The end of a lesson (teach.js): the hand still shows the sign just taught.
  const speller = new Speller({ threshold: 0.7, holdMs: 500 });
  const clock = { now: 0 };
  speller.ignoreUntilRelease();
  assert.deepEqual(hold(speller, clock, 'U', 3000), []);
  assert.equal(speller.update({ label: 'U', probability: 0.9 }, clock.now).waiting, true);
  assert.deepEqual(hold(speller, clock, null, 200), []); // lowered
  assert.deepEqual(hold(speller, clock, 'U', 1000), ['U']);
  assert.equal(speller.update({ label: 'U', probability: 0.9 }, clock.now).waiting, false);
  // Another sign counts as a release too, as after a typed sign.
  speller.ignoreUntilRelease();
  assert.deepEqual([...hold(speller, clock, 'U', 1000), ...hold(speller, clock, 'R', 1000)], ['R']);
  // With no sign held when it is called, the next one is typed as usual.
  speller.ignoreUntilRelease();
  assert.deepEqual([...hold(speller, clock, null, 100), ...hold(speller, clock, 'A', 1000)], ['A']);
  // reset() (the camera stopped) forgets it too.
  speller.ignoreUntilRelease();
  speller.reset();
  assert.deepEqual(hold(speller, clock, 'B', 1000), ['B']);
  assert.equal(speller.text, 'URAB');
});

test('the defaults are sane', () => {
  assert.ok(DEFAULTS.threshold >= 1 / FADE && DEFAULTS.threshold < 0.95); // below 1/FADE a sign is never typed
  assert.ok(DEFAULTS.holdMs >= 100 && DEFAULTS.holdMs <= 1500);
  const speller = new Speller();
  assert.deepEqual([speller.threshold, speller.holdMs], [DEFAULTS.threshold, DEFAULTS.holdMs]);
});

test('a space only separates words: none at the start, none twice in a row', () => {
  assert.equal(spell([['space', 1500], ['H', 1500], ['space', 1500], ['nothing', 500], ['space', 1500]]).text, 'H ');
});
