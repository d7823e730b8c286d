// Word correction: when a word ends (a space signed, or the hand lowered a moment), it is weighed
// against the words of language/words.json and the names of language/names.json, and a word that
// explains the recogniser's readings better than the letters typed takes their place (Undo takes it
// back). A noisy channel:
//   a word's score = log P(word) + log P(what the recogniser read | the word)
//   P(word) = INSIDE × Zipf(its rank in words.json) + OUTSIDE × NAMES × Zipf(its rank in names.json)
//   or, for letters in neither list, OUTSIDE × (1 − NAMES) × the letter model of English's P(letters)
// What was read is, where the speller kept them, the word's frames (alignWord: each letter of the
// word held for a stretch of frames, frames between letters moving or lowered), else the readings of
// the letters typed (correctWord: each letter typed's readings against the word's letter there, a
// penalty per letter typed that is not in the word, and per letter of the word never typed). The
// frames also find a letter that was held but never typed (read as its neighbour, or never sure).
// So EXMECT becomes EXPECT when the M was read as P a fifth of the time, but a name read surely stays.
// Pure logic, no DOM: the speller (speller.js) calls it; tests/js/words.test.js, bench/spell.mjs.
//
// Constants chosen on the spelling benchmark's tuning streams (`python -m studies.spelling --tune`):
// w01–w07 spelling words none of the benchmark's lists holds (docs/experiments.md, Word correction,
// Names, Aligning the frames).
import { letterProbability } from './language.js';

export const CORRECTION = Object.freeze({
  floor: 0.0003, // a reading's probability counts as at least this (a letter never read at all)
  extra: -9, // log P(a letter typed that the word does not have), before how unsure it was read: rare
  missing: -4, // log P(a letter of the word never typed: held too briefly, or read as the next one)
  outside: Math.log(0.5), // log P(a word spelled is not in the word list: a name, a code)
  names: 0.5, // of those, the share that are names of the names list (the rest: the letter model's)
  frames: true, // the speller corrects from the word's frames (alignWord) where it kept them
  // alignWord, per frameMs of a word's frames (a faster camera's frames count for less):
  weight: 0.2, // the frames' log probabilities × this, against log P(word)
  gap: -3, // log score of a frame between letters (the hand moving, lowered, or signing space)
  minMs: 330, // a letter is held at least this long
  frameFloor: 0.0003, // a frame's probability of a letter counts as at least this
  frameMs: 66, // the frame those are counted per: the benchmark's streams, ~15 frames a second
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
  return best(typed, words, table, options, names, (word) => channel(typed, reads, word, options), 0);
}

/** As correctWord, from the word's frames instead of the readings of its letters: `frames`, one
 *  {ms: the frame's length, read: {label: probability} or null (no reading: no hand)} per frame since
 *  the word began, to when it ended. */
export function alignWord(typed, frames, words, table, options = CORRECTION, names = null) {
  if (!typed || !words || !table || !/^[A-Z]+$/.test(typed) || !frames.some((frame) => frame.read)) return typed;
  const { weight, gap, minMs, frameFloor, frameMs } = options;
  // A faster camera's frames go in pairs (or more), about frameMs a step: the alignment costs the same.
  const steps = [];
  for (const frame of frames) {
    const step = steps.at(-1);
    if (!step || step.ms >= 0.75 * frameMs) steps.push({ ms: frame.ms, frames: [frame] });
    else {
      step.ms += frame.ms;
      step.frames.push(frame);
    }
  }
  const p = (read, k) => read?.[String.fromCharCode(65 + k)] ?? 0;
  // Per step, weight × log P(each letter), and of a step between letters, both × its frames' length.
  const letterScores = steps.map((step) => Float64Array.from({ length: 26 }, (_, k) =>
    step.frames.reduce((sum, { ms, read }) => sum + (weight * ms / frameMs) * Math.log(Math.max(p(read, k), frameFloor)), 0)));
  const gapScores = steps.map(({ ms }) => (weight * ms / frameMs) * gap);
  // Two of the same letter are two only with a release between: a frame where it is read under 0.5.
  const released = steps.map((step) => Uint8Array.from({ length: 26 }, (_, k) => step.frames.some(({ read }) => p(read, k) < 0.5)));
  const lengths = steps.map(({ ms }) => ms).filter((ms) => ms > 0).sort((a, b) => a - b);
  const minFrames = Math.max(1, Math.round(minMs / (lengths[lengths.length >> 1] || frameMs)));
  // No alignment scores more than every step's best (most[t]: from step t on): a word whose prior
  // is too low even with that is not tried, and one falling that far behind is given up.
  const most = new Float64Array(steps.length + 1);
  for (let t = steps.length - 1; t >= 0; t--) most[t] = most[t + 1] + Math.max(gapScores[t], ...letterScores[t]);
  return best(typed, words, table, options, names,
    (word, needed) => alignment(letterScores, gapScores, released, word, minFrames, needed, most), most[0]);
}

/** The word of the lists (or `typed` itself) with the highest log P(word) + evidence(word), of the
 *  words within a letter of typed's length; `most`: no evidence is higher (0 for log probabilities);
 *  evidence(word, needed) may give up (-Infinity) on a word that cannot reach `needed`. */
function best(typed, words, table, options, names, evidence, most) {
  const { prior, other } = candidates(words, names, options, typed.length);
  const asTyped = logAdd(other + letterModelLogP(table, typed), prior.find(([word]) => word === typed)?.[1] ?? -Infinity);
  let chosen = typed, bestScore = asTyped + evidence(typed, -Infinity);
  for (const [word, logP] of prior) { // likeliest first
    if (logP + most <= bestScore) break; // no word after this one can win
    if (word === typed) continue;
    const score = logP + evidence(word, bestScore - logP);
    if (score > bestScore) [chosen, bestScore] = [word, score];
  }
  return chosen;
}

let cached = null; // the last lists' candidates by length: the same lists serve word after word

/** {prior: [[word, log P(word)]] of the words of the lists within a letter of `length`, likeliest
 *  first (the list's share, Zipf on its rank), other: log P(letters in no list: a code, a rare name)}. */
function candidates(words, names, options, length) {
  if (cached?.words !== words || cached.names !== names || cached.outside !== options.outside
      || cached.share !== options.names) {
    cached = { words, names, outside: options.outside, share: options.names, byLength: new Map() };
  }
  const lists = [[words, Math.log(1 - Math.exp(options.outside))]];
  let other = options.outside; // the letter model's share of it
  if (names?.length && options.names) {
    lists.push([names, options.outside + Math.log(options.names)]);
    other += Math.log(1 - options.names);
  }
  if (!cached.byLength.has(length)) {
    const prior = new Map();
    for (const [list, share] of lists) {
      const zipf = Math.log(Math.log(list.length) + 0.5772); // Σ 1/rank: Zipf's normaliser
      list.forEach((word, rank) => {
        if (Math.abs(word.length - length) > 1) return;
        const logP = share - Math.log(rank + 1) - zipf;
        prior.set(word, prior.has(word) ? logAdd(prior.get(word), logP) : logP);
      });
    }
    cached.byLength.set(length, [...prior].sort((a, b) => b[1] - a[1]));
  }
  return { prior: cached.byLength.get(length), other };
}

/** The best alignment of `word` with the frames (Viterbi): each of its letters held for at least
 *  minFrames frames in a row, scoring letterScores there; the frames before, between and after its
 *  letters scoring gapScores (a double letter needs a frame between where `released`, as the speller
 *  needs a release to type it twice). -Infinity as soon
 *  as it cannot reach `needed`, where after frame t no alignment gains more than `most[t + 1]`. */
function alignment(letterScores, gapScores, released, word, minFrames, needed = -Infinity, most = null) {
  const m = word.length, S = minFrames, last = S - 1;
  const code = Array.from(word, (c) => c.charCodeAt(0) - 65);
  let gaps = new Float64Array(m + 1).fill(-Infinity), nextGaps = new Float64Array(m + 1);
  let held = new Float64Array(m * S).fill(-Infinity), nextHeld = new Float64Array(m * S);
  gaps[0] = 0;
  for (let t = 0; t < letterScores.length; t++) {
    const scores = letterScores[t], g = gapScores[t];
    let top = -Infinity;
    for (let j = 0; j < m; j++) {
      const e = scores[code[j]], at = j * S;
      let enter = gaps[j]; // from the frames before this letter, or straight from the letter before
      if (j > 0 && code[j] !== code[j - 1]) enter = Math.max(enter, held[at - 1]);
      nextHeld[at] = enter + e;
      for (let s = 1; s < S; s++) nextHeld[at + s] = held[at + s - 1] + e;
      nextHeld[at + last] = Math.max(nextHeld[at + last], held[at + last] + e); // held longer
      for (let s = 0; s < S; s++) top = Math.max(top, nextHeld[at + s]);
    }
    nextGaps[0] = gaps[0] + g;
    for (let j = 1; j <= m; j++) {
      nextGaps[j] = j < m && code[j] === code[j - 1] && !released[t][code[j]] ? -Infinity
        : Math.max(gaps[j], held[j * S - 1]) + g;
    }
    for (let j = 0; j <= m; j++) top = Math.max(top, nextGaps[j]);
    if (most && top + most[t + 1] <= needed) return -Infinity;
    [gaps, nextGaps] = [nextGaps, gaps];
    [held, nextHeld] = [nextHeld, held];
  }
  return Math.max(gaps[m], held[m * S - 1]);
}

function logAdd(a, b) {
  const top = Math.max(a, b);
  return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
}
