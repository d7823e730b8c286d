// Unit tests for web/words.js (word correction) and the speller's use of it, on the page's own word
// list and letter model of English: `node --test tests/js`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { CORRECTION, KEPT_RANK, alignWord, correctWord, withKept } from '../../web/words.js';
import { LEARN_HANDS, Speller, WORD_PAUSE_MS } from '../../web/speller.js';

const read = (file) => JSON.parse(fs.readFileSync(new URL(`../../web/language/${file}`, import.meta.url)));
const { words } = read('words.json');
const { names } = read('names.json');
const table = read('en.json');

/** What the recogniser read for each letter: `sure` for the letter typed, the rest on `other` where given. */
function reads(typed, sure = 0.97, others = {}) {
  return [...typed].map((letter, i) => (others[i] ? { [letter]: sure - others[i][1], [others[i][0]]: others[i][1] } : { [letter]: sure }));
}

test('a letter read unsurely gives way to the word it makes', () => {
  // EXMECT: the M was read as P a third of the time: EXPECT.
  assert.equal(correctWord('EXMECT', reads('EXMECT', 0.95, { 2: ['P', 0.3] }), words, table), 'EXPECT');
  // LISTENIPG: the P was half an N.
  assert.equal(correctWord('LISTENIPG', reads('LISTENIPG', 0.95, { 7: ['N', 0.4] }), words, table), 'LISTENING');
});

// (Not a name one letter short of a word of the list, read surely: KATHRINE becomes KATHERINE, as a
// word with a letter dropped must, unless the names list has it: the last test.)
test('letters read surely stay as typed: names, codes, other spellings', () => {
  for (const typed of ['SHARRON', 'NICHOLE', 'ALFREDA', 'XQV', 'QWERTY', 'WORLD', 'THE']) {
    assert.equal(correctWord(typed, reads(typed, 0.99), words, table), typed, typed);
  }
});

test('letters typed for sure (no reading: a completion, a J drawn) are never changed', () => {
  assert.equal(correctWord('EXMECT', Array(6).fill(null), words, table), 'EXMECT');
  const partly = reads('EXMECT', 0.95, { 2: ['P', 0.3] });
  partly[2] = null; // the M itself typed for sure
  assert.equal(correctWord('EXMECT', partly, words, table), 'EXMECT');
});

test('no word list or letter model: nothing is corrected', () => {
  const unsure = reads('EXMECT', 0.95, { 2: ['P', 0.3] });
  assert.equal(correctWord('EXMECT', unsure, null, table), 'EXMECT');
  assert.equal(correctWord('EXMECT', unsure, words, null), 'EXMECT');
});

/** Spell `letters` to a speller, each held 1 s (100 ms frames) with its readings, a release between them. */
function spell(speller, letters, clock, readings = {}) {
  for (const [i, letter] of [...letters].entries()) {
    const read = readings[i] ?? { [letter]: 0.95 };
    for (let t = 0; t < 1000; t += 100, clock.now += 100) speller.update({ label: letter, probability: read[letter] }, clock.now, read);
    speller.update({ label: 'nothing', probability: 1 }, clock.now += 100, null);
  }
}

test('the hand lowered ends the word: corrected, then a space; Undo takes the correction back', () => {
  const kept = [];
  const speller = new Speller({ dictionary: () => ({ words, table }), onKeep: (word) => kept.push(word) });
  const clock = { now: 0 };
  spell(speller, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
  assert.equal(speller.text, 'EXMECT'); // a release is not the end of the word
  const ends = [];
  for (const end = clock.now + WORD_PAUSE_MS; clock.now <= end; clock.now += 100) {
    const { committed, corrected } = speller.update({ label: 'nothing', probability: 1 }, clock.now);
    if (committed || corrected) ends.push({ committed, corrected });
  }
  assert.deepEqual(ends, [{ committed: 'space', corrected: { from: 'EXMECT', to: 'EXPECT' } }]);
  assert.equal(speller.text, 'EXPECT ');
  speller.undo(); // the space
  speller.undo(); // the correction
  assert.equal(speller.text, 'EXMECT');
  assert.deepEqual(kept, ['EXMECT']);
  // What Undo kept stays kept: the hand shown and lowered again does not correct it a second time...
  speller.update({ label: 'A', probability: 0.2 }, clock.now += 100);
  for (const end = clock.now + 2 * WORD_PAUSE_MS; clock.now <= end; clock.now += 100) speller.update(null, clock.now);
  assert.equal(speller.text, 'EXMECT ');
  // ...nor spelled again, in this speller or the next (the page remembers kept words).
  speller.clear();
  spell(speller, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
  spell(speller, ['space'], clock);
  assert.equal(speller.text, 'EXMECT ');
  const fresh = new Speller({ dictionary: () => ({ words, table }), keptWords: kept });
  spell(fresh, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
  spell(fresh, ['space'], clock);
  assert.equal(fresh.text, 'EXMECT ');
});

test('a space signed ends the word too; without a dictionary nothing changes', () => {
  for (const [dictionary, expected] of [[() => ({ words, table }), 'EXPECT '], [() => null, 'EXMECT ']]) {
    const speller = new Speller({ dictionary });
    const clock = { now: 0 };
    spell(speller, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
    spell(speller, ['space'], clock);
    assert.equal(speller.text, expected);
  }
});

test("a kept word is the user's: letters read unsurely are corrected into it, the list's words stay", () => {
  const kept = new Set(['KATHRINE']);
  const mine = withKept(words, kept);
  assert.equal(mine.indexOf('KATHRINE'), KEPT_RANK);
  assert.equal(mine.length, words.length + 1);
  assert.deepEqual(withKept(words, new Set([words[5]])), words); // a word the list ranks higher stays there
  assert.equal(withKept(words, new Set([words[5000]])).indexOf(words[5000]), KEPT_RANK); // a lower one moves up
  const unsure = reads('KATHRIME', 0.95, { 6: ['N', 0.35] }); // the N half read as M
  assert.equal(correctWord('KATHRIME', unsure, words, table), 'KATHERINE'); // without it: the list's spelling
  assert.equal(correctWord('KATHRIME', unsure, mine, table), 'KATHRINE');
  assert.equal(correctWord('KATHERINE', reads('KATHERINE'), mine, table), 'KATHERINE');
  // The speller passes its kept words to correction.
  const speller = new Speller({ dictionary: () => ({ words, table }), keptWords: [...kept] });
  const clock = { now: 0 };
  spell(speller, 'KATHRIME', clock, { 6: { M: 0.6, N: 0.35 } });
  spell(speller, ['space'], clock);
  assert.equal(speller.text, 'KATHRINE ');
});

test('the names list: a census name read surely stays, one read unsurely becomes it, a code stays', () => {
  assert.equal(correctWord('KATHRINE', reads('KATHRINE'), words, table), 'KATHERINE'); // the word list alone
  assert.equal(correctWord('KATHRINE', reads('KATHRINE'), words, table, CORRECTION, names), 'KATHRINE');
  assert.equal(correctWord('BRADLY', reads('BRADLY'), words, table, CORRECTION, names), 'BRADLY');
  const unsure = reads('KATHRIME', 0.95, { 6: ['N', 0.35] });
  assert.equal(correctWord('KATHRIME', unsure, words, table, CORRECTION, names), 'KATHRINE');
  assert.equal(correctWord('EXMECT', reads('EXMECT', 0.95, { 2: ['P', 0.3] }), words, table, CORRECTION, names), 'EXPECT');
  assert.equal(correctWord('QXB', reads('QXB'), words, table, CORRECTION, names), 'QXB');
  assert.equal(correctWord('KATHRINE', reads('KATHRINE'), words, table, { ...CORRECTION, names: 0 }, names), 'KATHERINE');
  // The speller passes the dictionary's names on.
  const speller = new Speller({ dictionary: () => ({ words, table, names }) });
  const clock = { now: 0 };
  spell(speller, 'BRADLY', clock);
  spell(speller, ['space'], clock);
  assert.equal(speller.text, 'BRADLY ');
});

/** A word's frames as the speller keeps them: half a second of no hand, each letter held `holdMs` in
 *  66 ms frames (its readings: {letter: 0.95}, or those given for it), a release between two of the same letter
 *  (else the frames `between`), the hand lowered after (1.2 s). */
function frames(letters, readings = {}, holdMs = 1000, between = []) {
  const none = (ms) => Array.from({ length: Math.round(ms / 66) }, () => ({ ms: 66, read: null }));
  return [...none(500), ...[...letters].flatMap((letter, i) => [...(letter === letters[i - 1] ? none(330) : i ? between : []),
    ...Array.from({ length: Math.round(holdMs / 66) }, () => ({ ms: 66, read: readings[i] ?? { [letter]: 0.95 } }))]), ...none(1200)];
}

test('from the frames: a letter held but never typed is found, letters read surely stay', () => {
  // HOUSE, its U read as O more than as U: the speller typed HOSE (one O, held twice as long).
  assert.equal(alignWord('HOSE', frames('HOUSE', { 2: { O: 0.6, U: 0.35 } }), words, table, CORRECTION, names), 'HOUSE');
  // The same frames, letter by letter: the U's frames only add to the O's reading; no U is found.
  assert.notEqual(correctWord('HOSE', reads('HOSE', 0.8, { 1: ['U', 0.15] }), words, table, CORRECTION, names), 'HOUSE');
  // A letter read unsurely gives way to the word it makes, as from the letters' readings.
  assert.equal(alignWord('EXMECT', frames('EXMECT', { 2: { M: 0.6, P: 0.35 } }), words, table, CORRECTION, names), 'EXPECT');
  for (const typed of ['KATHRINE', 'BRADLY', 'SHARRON', 'NICHOLE', 'QXB', 'QWERTY', 'WORLD', 'THE']) {
    assert.equal(alignWord(typed, frames(typed), words, table, CORRECTION, names), typed, typed);
  }
  // Two of the same letter need a release between them, as the speller does: a letter held long is one.
  assert.equal(alignWord('HELO', frames('HELLO'), words, table, CORRECTION, names), 'HELLO');
  for (const typed of ['CASANDRA', 'JOHNIE']) {
    assert.equal(alignWord(typed, frames(typed), words, table, CORRECTION, names), typed, typed);
  }
  // The hand moving between letters, read as this and that, hides no letter.
  const moving = ['G', 'Q', 'X'].map((letter) => ({ ms: 66, read: { [letter]: 0.3, nothing: 0.4, del: 0.3 } }));
  for (const typed of ['KATHRINE', 'BRADLY', 'SHARRON', 'NICHOLE', 'QWERTY', 'HOSE']) {
    assert.equal(alignWord(typed, frames(typed, {}, 1000, moving), words, table, CORRECTION, names), typed, typed);
  }
  // A camera twice as fast (33 ms frames, taken two at a time) reads the same.
  const twiceAsFast = (list) => list.flatMap((frame) => [{ ...frame, ms: 33 }, { ...frame, ms: 33 }]);
  assert.equal(alignWord('HOSE', twiceAsFast(frames('HOUSE', { 2: { O: 0.6, U: 0.35 } })), words, table, CORRECTION, names), 'HOUSE');
  assert.equal(alignWord('HELO', twiceAsFast(frames('HELLO')), words, table, CORRECTION, names), 'HELLO');
  assert.equal(alignWord('CASANDRA', twiceAsFast(frames('CASANDRA')), words, table, CORRECTION, names), 'CASANDRA');
  // Frames with no reading at all (no hand) change nothing.
  assert.equal(alignWord('EXMECT', frames(''), words, table, CORRECTION, names), 'EXMECT');
});

test("the speller aligns a word's own frames; after a del or a J drawn, its letters' readings", () => {
  const spellFrames = (speller, word, clock, readings) => {
    for (const { ms, read } of frames(word, readings)) {
      clock.now += ms;
      const top = read ? Object.entries(read).sort((a, b) => b[1] - a[1])[0] : ['nothing', 1];
      speller.update({ label: top[0], probability: top[1] }, clock.now, read);
    }
  };
  const make = (options = CORRECTION) => new Speller({ dictionary: () => ({ words, table, names, options }) });
  const whole = make();
  spellFrames(whole, 'HOUSE', { now: 0 }, { 2: { O: 0.6, U: 0.35 } });
  assert.equal(whole.text, 'HOUSE ');
  const letters = make({ ...CORRECTION, frames: false }); // the letters' readings only, as before 2026-12-05
  spellFrames(letters, 'HOUSE', { now: 0 }, { 2: { O: 0.6, U: 0.35 } });
  assert.notEqual(letters.text, 'HOUSE ');
  const deleted = make(), clock = { now: 0 };
  spellFrames(deleted, 'X', clock);
  spell(deleted, ['del'], clock);
  spellFrames(deleted, 'HOUSE', clock, { 2: { O: 0.6, U: 0.35 } });
  assert.notEqual(deleted.text, 'HOUSE ');
  assert.match(deleted.text, /^[A-Z]+ $/);
});

/** spell(), each frame also carrying a hand: [the letter shown, the frame's time] stands for its features. */
function spellWithHands(speller, letters, clock, readings = {}) {
  for (const [i, letter] of [...letters].entries()) {
    const read = readings[i] ?? { [letter]: 0.95 };
    for (let t = 0; t < 1000; t += 100, clock.now += 100) {
      speller.update({ label: letter, probability: read[letter] }, clock.now, read, [letter, clock.now]);
    }
    speller.update({ label: 'nothing', probability: 1 }, clock.now += 100, null);
  }
}

function lowerHand(speller, clock) {
  for (const end = clock.now + WORD_PAUSE_MS; clock.now <= end; clock.now += 100) speller.update({ label: 'nothing', probability: 1 }, clock.now);
}

test('a word that stands teaches the hands that typed its letters, as corrected, once the next word begins', () => {
  const learnt = [];
  const speller = new Speller({ dictionary: () => ({ words, table }), onLearn: (letters) => learnt.push(letters) });
  const clock = { now: 0 };
  spellWithHands(speller, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
  lowerHand(speller, clock);
  assert.equal(speller.text, 'EXPECT ');
  assert.deepEqual(learnt, []); // the user may still undo it
  spellWithHands(speller, 'A', clock);
  assert.equal(learnt.length, 1);
  const letters = learnt[0];
  assert.deepEqual(letters.map(({ sign }) => sign), [...'EXPECT']);
  // the P's hands are those that were held for it (read as M), the last LEARN_HANDS at most, in order
  assert.ok(letters[2].hands.length > 0 && letters[2].hands.length <= LEARN_HANDS);
  assert.ok(letters[2].hands.every(([shown]) => shown === 'M'));
  assert.ok(letters.every(({ sign, hands }, i) => sign === 'P' || hands.every(([shown]) => shown === 'EXMECT'[i])));
});

test('a correction undone, a word deleted or drawn with J teaches nothing', () => {
  const learnt = [];
  const make = () => new Speller({ dictionary: () => ({ words, table }), onLearn: (letters) => learnt.push(letters) });
  const clock = { now: 0 };
  const undone = make();
  spellWithHands(undone, 'EXMECT', clock, { 2: { M: 0.6, P: 0.35 } });
  lowerHand(undone, clock);
  undone.undo(); // the space
  undone.undo(); // the correction: EXMECT is kept as typed
  spellWithHands(undone, ['space'], clock);
  spellWithHands(undone, 'A', clock);
  const deleted = make();
  spellWithHands(deleted, 'EXPECT', clock);
  lowerHand(deleted, clock);
  spellWithHands(deleted, ['del'], clock); // the space taken back: the word goes on
  spellWithHands(deleted, 'A', clock);
  const drawn = make();
  spellWithHands(drawn, 'I', clock);
  drawn.typeMotion('J', 0); // in the place of the I
  spellWithHands(drawn, 'A', clock);
  lowerHand(drawn, clock);
  spellWithHands(drawn, 'A', clock);
  assert.deepEqual([undone.text, deleted.text, drawn.text], ['EXMECT A', 'EXPECTA', 'J A']);
  assert.deepEqual(learnt, []);
});
