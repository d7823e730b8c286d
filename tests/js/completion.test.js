// Unit tests for web/completion.js and the speller's completeWord: `node --test tests/js`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { complete, lettersToSign, partialWord } from '../../web/completion.js';
import { Speller } from '../../web/speller.js';

const read = (file) => JSON.parse(fs.readFileSync(new URL(`../../web/language/${file}`, import.meta.url)));
const { words } = read('words.json');
const { names } = read('names.json');

test('the three likeliest longer words that start with the word being spelled, most frequent first', () => {
  assert.equal(partialWord('HELLO WOR'), 'WOR');
  assert.equal(partialWord('HELLO '), '');
  assert.deepEqual(complete(words, 'HELLO '), []); // nothing to complete after a space
  const offered = complete(words, 'I LIKE TH');
  assert.equal(offered.length, 3);
  assert.ok(offered.every((word) => word.startsWith('TH') && word.length > 2));
  assert.deepEqual(offered, words.filter((word) => word.startsWith('TH') && word.length > 2).slice(0, 3));
  assert.deepEqual(complete(words, 'QXZ'), []);
  assert.deepEqual(complete(null, 'TH'), []); // no word list on the site: no completions
});

test('a frequent long word needs only its first letters; a word not in the list needs them all', () => {
  const k = lettersToSign(words, 'BECAUSE');
  assert.ok(k >= 1 && k < 7, String(k));
  assert.ok(complete(words, 'BECAUSE'.slice(0, k)).includes('BECAUSE'));
  assert.equal(lettersToSign(words, 'QXZJ'), 4);
  assert.ok(!words.some((word) => word.length < 2));
});

test('a picked completion replaces the word being spelled, can be undone, and the held letter waits', () => {
  const speller = new Speller({ threshold: 0.3, holdMs: 300 });
  let now = 0;
  const show = (label, ms) => { for (const end = now + ms; now < end; now += 50) speller.update({ label, probability: 0.9 }, now); };
  show('H', 800);
  show('I', 800);
  assert.equal(speller.text, 'HI');
  speller.completeWord('HISTORY');
  assert.equal(speller.text, 'HISTORY ');
  show('I', 2000); // the I still held is not typed after the word
  assert.equal(speller.text, 'HISTORY ');
  assert.ok(speller.undo());
  assert.equal(speller.text, 'HI');
});

test("the user's kept words are offered first, most recently kept first, each once", () => {
  const kept = new Set(['KATHRINE', 'KAYLEIGH']);
  assert.deepEqual(complete(words, 'KA', 3, kept).slice(0, 2), ['KAYLEIGH', 'KATHRINE']);
  assert.equal(complete(words, 'KA', 3, kept)[2], complete(words, 'KA')[0]); // then the list's
  assert.deepEqual(complete(words, 'KATH', 3, kept)[0], 'KATHRINE');
  const listed = complete(words, 'TH')[1]; // a kept word the list has too is not offered twice
  const offered = complete(words, 'TH', 3, new Set([listed]));
  assert.equal(offered[0], listed);
  assert.equal(new Set(offered).size, 3);
  assert.deepEqual(complete(null, 'KA', 3, kept), []); // no list (the digits model): none
});

test('names fill the completions the words leave, and save a name most of its letters', () => {
  const fromWords = complete(words, 'KATHL');
  assert.ok(fromWords.length < 3);
  const offered = complete(words, 'KATHL', 3, [], names);
  assert.deepEqual(offered.slice(0, fromWords.length), fromWords);
  assert.equal(offered.length, 3);
  assert.ok(offered.slice(fromWords.length).every((name) => names.includes(name) && name.startsWith('KATHL')));
  assert.equal(lettersToSign(words, 'KATHLYN'), 7);
  assert.ok(lettersToSign(words, 'KATHLYN', 3, names) <= 5);
});
