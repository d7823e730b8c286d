// Word correction: when a word ends (a space signed, or the hand lowered a moment), its letters are
// weighed against the words of language/words.json and the names of language/names.json, and a word
// that explains the recogniser's readings better than the letters typed takes their place (Undo
// takes it back). A noisy channel:
//   a word's score = log P(word) + Σ log P(each letter typed's readings | the word's letter there)
//                    + a penalty per letter typed that is not in the word, and per letter of the word never typed
//   P(word) = INSIDE × Zipf(its rank in words.json) + OUTSIDE × NAMES × Zipf(its rank in names.json)
//   or, for letters in neither list, OUTSIDE × (1 − NAMES) × the letter model of English's P(letters)
// so EXMECT becomes EXPECT when the M was read as P a fifth of the time, but a name read surely stays.
// Pure logic, no DOM: the speller (speller.js) calls it; tests/js/words.test.js, bench/spell.mjs.
//
// Constants chosen on the spelling benchmark's tuning streams (`python -m studies.spelling --tune`):
// w01–w07 spelling words none of the benchmark's lists holds (docs/experiments.md, Word correction, Names).
import { letterProbability } from './language.js';

export const CORRECTION = Object.freeze({
  floor: 0.0003, // a reading's probability counts as at least this (a letter never read at all)
  extra: -9, // log P(a letter typed that the word does not have), before how unsure it was read: rare
  missing: -4, // log P(a letter of the word never typed: held too briefly, or read as the next one)
  outside: Math.log(0.5), // log P(a word spelled is not in the word list: a name, a code)
  names: 0.5, // of those, the share that are names of the names list (the rest: the letter model's)
});

// A word the user kept (Undo took its correction back: speller.js) is one of theirs, a name or a
// code they spell again: correction may also turn letters into it, as likely as the list's 100th word.
export const KEPT_RANK = 100;

/** The list with the kept words placed at KEPT_RANK (or where the list has them, if higher). */
export function withKept(words, kept, rank = KEPT_RANK) {
  if (!kept.size) return words;
  const above = new Set(words.slice(0, rank));
  const added = [...kept].filter((word) => !above.has(word));
  const moved = new Set(added);
  return [...words.slice(0, rank), ...added, ...words.slice(rank).filter((word) => !moved.has(word))];
}

/** log P(letters) under the letter model of English (language/en.json), as the page mixes it with
 *  uniform: what a word outside the list (a name, a code) is expected to look like. */
function letterModelLogP(table, letters) {
  return [...letters].reduce((sum, letter, i) => sum + Math.log(letterProbability(table, letters.slice(0, i), letter)), 0);
}

/** Σ log P(readings | word), aligning the letters typed with the word's (an edit distance that adds
 *  log-probabilities: each typed letter read as the word's letter, or extra; each word letter
 *  missing). A letter typed for sure (read null) stays as it is. */
function channel(typed, reads, word, { floor, extra, missing }) {
  const n = typed.length, m = word.length;
  let previous = Array.from({ length: m + 1 }, (_, j) => j * missing);
  for (let i = 1; i <= n; i++) {
    const read = reads[i - 1];
    // A letter read surely is seldom one the hand passed through on its way to the next.
    const extraHere = read ? extra + Math.log(Math.max(1 - (read[typed[i - 1]] ?? 0), floor)) : -Infinity;
    const current = [previous[0] + extraHere];
    for (let j = 1; j <= m; j++) {
      const as = read ? Math.log(Math.max(read[word[j - 1]] ?? 0, floor)) : (word[j - 1] === typed[i - 1] ? 0 : -Infinity);
      current.push(Math.max(previous[j - 1] + as, previous[j] + extraHere, current[j - 1] + missing));
    }
    previous = current;
  }
  return previous[m];
}

/** The word letters typed most likely were: `typed` (A–Z), `reads` one {label: probability} per
 *  letter (what the recogniser read while it was held; null: typed for sure, e.g. a completion),
 *  `words` language/words.json's list (most frequent first), `table` the letter model of English,
 *  `names` language/names.json's (commonest first) or null. Returns `typed` itself unless a word or
 *  name of the lists explains the readings better. */
export function correctWord(typed, reads, words, table, options = CORRECTION, names = null) {
  if (!typed || !words || !table || !/^[A-Z]+$/.test(typed) || reads.every((read) => !read)) return typed;
  // log P(each word of the lists within a letter of the length): the list's share, Zipf on its rank.
  const lists = [[words, Math.log(1 - Math.exp(options.outside))]];
  let other = options.outside; // log P(letters in no list: a code, a rare name): the letter model's
  if (names?.length && options.names) {
    lists.push([names, options.outside + Math.log(options.names)]);
    other += Math.log(1 - options.names);
  }
  const prior = new Map();
  for (const [list, share] of lists) {
    const zipf = Math.log(Math.log(list.length) + 0.5772); // Σ 1/rank: Zipf's normaliser
    list.forEach((word, rank) => {
      if (Math.abs(word.length - typed.length) > 1) return;
      const logP = share - Math.log(rank + 1) - zipf;
      prior.set(word, prior.has(word) ? logAdd(prior.get(word), logP) : logP);
    });
  }
  const asTyped = logAdd(other + letterModelLogP(table, typed), prior.get(typed) ?? -Infinity);
  let best = typed, bestScore = asTyped + channel(typed, reads, typed, options);
  for (const [word, logP] of prior) {
    if (word === typed) continue;
    const score = logP + channel(typed, reads, word, options);
    if (score > bestScore) [best, bestScore] = [word, score];
  }
  return best;
}

function logAdd(a, b) {
  const top = Math.max(a, b);
  return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
}
