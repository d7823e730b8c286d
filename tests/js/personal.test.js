// Unit tests for web/personal.js's storage of the user's own signs: `node --test tests/js`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { OwnSigns, PER_SIGN } from '../../web/personal.js';

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

test('unreadable storage starts empty, and a full one keeps the signs for this visit', () => {
  for (const stored of ['{not json', '[1, 2]', '7', 'null']) {
    assert.ok(new OwnSigns('letters', new MemoryStorage({ 'signcam.own-signs.letters': stored })).empty, stored);
  }
  const full = new MemoryStorage();
  full.setItem = () => { throw new DOMException('quota', 'QuotaExceededError'); };
  const kept = new OwnSigns('letters', full);
  kept.teach('A', [hand(0.5)]);
  assert.deepEqual(kept.counts(), { A: 1 });
  const probabilities = kept.probabilities(hand(0.5), ['A', 'B']);
  assert.ok(probabilities[0] > 0.99);
});
