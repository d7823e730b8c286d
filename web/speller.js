// The speller: turns a stream of per-frame predictions into typed text. Pure logic, no DOM,
// so `node --test` checks it without a browser (tests/js/speller.test.js).
//
// Rules:
// - Evidence: each frame adds its top sign's probability × the frame's duration to that sign's
//   evidence, when the probability is at least `threshold`; all evidence fades (time constant
//   FADE × holdMs). A sign is typed when its evidence reaches `holdMs`: a sure sign (~0.9) held for
//   ~1.3 × holdMs, an unsure one (0.5) for ~3 × holdMs. A moment misread (a new signer's hand
//   between two frames) no longer starts the hold again: it only pauses the evidence.
// - After a sign is typed it must be *released* before it can be typed again: a frame with no
//   sign (`nothing`, below the threshold) or RELEASE_MS without it. That is how HELLO gets two L's
//   while a hand held still types one L, not LLLL.
// - `space` types a space (not at the start, not twice), `del` removes the last character,
//   `nothing` types nothing.
// - A word ends at a space signed, or when the hand is lowered for WORD_PAUSE_MS after letters (which
//   types the space itself): its letters are then checked against the lists of English words and
//   names, from what the recogniser read (update's `probabilities`) on every frame of the word
//   (words.js alignWord: a letter held but never typed is found too), or, where a del, an Undo or a
//   J or Z drawn broke the word's frames, while each letter was held (words.js correctWord); a
//   likelier word takes their place.
//   A correction undone keeps the word as typed, and that word is never corrected again (`kept`,
//   remembered by the page: a name spelled the user's way); letters read unsurely may be corrected
//   into it, and completion offers it first.
// - Every change of the text can be undone, Clear included.
// - Learning from words kept: each letter typed keeps the hands (hand-landmark features) of the
//   frames that typed it; when the next word begins after a word ended, that word still standing
//   (not undone, not deleted), its letters' hands go to onLearn as the user's own hands of the
//   letters of the word as it stands (corrected where correction changed a letter). A word whose
//   letters cannot be matched to what was held (a letter added or removed by correction, a J or Z
//   drawn, a completion) teaches nothing. The page keeps them as it keeps taught signs (personal.js).
//
// Chosen on the spelling benchmark (`make spell-bench`, studies/spelling.py) on seven webcam people's
// streams and scored on eight others never seen: words right 42 % -> 61 % at a letter a second (the
// rule before: the same top sign at >= 0.75 for 0.8 s in a row).

import { CORRECTION, alignWord, correctWord, withKept } from './words.js';

export const DEFAULTS = Object.freeze({ threshold: 0.3, holdMs: 300 });
export const FADE = 4; // evidence fades with time constant FADE × holdMs: below probability 1/FADE a sign is never typed
export const RELEASE_MS = 250;
const LONGEST_FRAME_MS = 200; // a longer gap (a stalled frame) counts as this
const RECENT = 8; // signs typed whose times typeMotion may look back on
export const LEARN_HANDS = 10; // hands kept of the frames that typed a letter: the last ones, as a lesson keeps them
export const WORD_PAUSE_MS = 1000; // the hand lowered this long ends a word (longer than a release)
const LEAD_MS = 2000; // frames kept from before a word's first letter was typed (its hold began there)
const WORD_MS = 30000; // a word's frames are kept this long at most (then its letters' readings correct it)

// The letter sets spell the special classes in lower case, other copies capitalise them.
const SPECIAL = { space: 'space', del: 'del', delete: 'del', nothing: 'nothing' };
const special = (label) => SPECIAL[String(label).toLowerCase()] ?? null;

export class Speller {
  /** dictionary: () => {words, table, options?, names?} (language/words.json's list, the letter model
   *  of English, words.js CORRECTION, language/names.json's list) or null: what a word that ends is
   *  checked against; none, no correction.
   *  keptWords: words never to correct; onKeep(word): a correction was undone, keeping `word`;
   *  onLearn([{sign, hands}]): a word stood, these are the hands that typed its letters. */
  constructor({ threshold = DEFAULTS.threshold, holdMs = DEFAULTS.holdMs, dictionary = () => null,
    keptWords = [], onKeep = () => {}, onLearn = () => {} } = {}) {
    this.threshold = threshold;
    this.holdMs = holdMs;
    this.dictionary = dictionary;
    this.kept = new Set(keptWords);
    this.keptList = null; // {words, key, list}: the last #withKept
    this.onKeep = onKeep;
    this.onLearn = onLearn;
    this.text = '';
    this.reads = []; // per character of the text: what the recogniser read while it was held, or null
    this.history = []; // earlier [text, reads, the word a correction replaced], for undo
    this.reading = {}; // label -> probability × ms, summed over the frames of the sign being held
    this.handSeen = null; // when a hand was last shown; null once lowering it has ended the word
    this.evidence = new Map(); // sign -> evidence (ms of a sure sign, fading)
    this.last = null; // the previous frame's time (ms)
    this.typed = null; // the sign typed last, until it is released
    this.typedSeen = 0; // when it was last read
    this.untyped = false; // ...it was counted as typed without being typed (ignoreUntilRelease)
    this.ignoreHeld = false; // the next sign seen counts as typed already (it was shown to teach it)
    this.recentlyTyped = []; // {at, before}: when each of the last signs was typed, and the text before it
    this.holdingHands = []; // the last LEARN_HANDS hands of the frames holding the sign not yet typed
    this.wordHands = []; // per letter of the word being spelled, the hands that typed it; null: not to learn from
    this.learning = null; // {text, letters}: a word ended, learnt from if `text` still stands when the next begins
    this.wordFrames = []; // {ms, read} per frame since the word being spelled began, to correct it by;
    // null where they no longer tell its letters (a del, an Undo, a J or Z drawn): its letters' readings do
    this.wordFramesMs = 0;
  }

  /**
   * Feed one frame's top prediction ({label, probability}, or null for no prediction) at time
   * `now` (ms); `probabilities` ({label: probability}, optional) is all the recogniser read, for
   * correcting the word; `hand` (optional) the frame's hand-landmark features, to learn from. Returns {progress: 0..1 towards typing the sign held, committed: the label
   * typed this frame or null ('space' where lowering the hand ended a word), corrected: {from, to}
   * where a word ending was corrected, waiting: the sign held is not typed until a release, text}.
   */
  update(top, now, probabilities = null, hand = null) {
    const held = top && top.probability >= this.threshold && special(top.label) !== 'nothing' ? top.label : null;
    const dt = this.last === null ? 0 : Math.min(LONGEST_FRAME_MS, Math.max(0, now - this.last));
    this.last = now;
    this.#keepFrame(dt, probabilities);
    let corrected = null, spaced = null;
    if (top && special(top.label) !== 'nothing') this.handSeen = now;
    else if (this.handSeen !== null && now - this.handSeen >= WORD_PAUSE_MS) {
      this.handSeen = null; // the hand lowered: a word of letters ends, and a space follows it
      if (/[A-Z]$/.test(this.text)) [corrected, spaced] = [this.#type('space', null), 'space'];
    }
    const fade = Math.exp(-dt / (FADE * this.holdMs));
    for (const [sign, value] of this.evidence) this.evidence.set(sign, value * fade);
    if (this.ignoreHeld) { // whatever is held now counts as typed: it waits for a release like one
      this.ignoreHeld = false;
      this.#typedNow(held, now, true);
    }
    if (this.typed !== null) { // released by a frame with no sign, or by a while without it
      if (held === this.typed) this.typedSeen = now;
      else if (held === null || now - this.typedSeen >= RELEASE_MS) [this.typed, this.untyped] = [null, false];
    }
    if (held === null) return this.#state(0, spaced, corrected);
    if (held === this.typed) return this.#state(this.untyped ? 0 : 1, null, corrected);
    const evidence = (this.evidence.get(held) ?? 0) + top.probability * dt;
    this.evidence.set(held, evidence);
    if (hand) { // only the last LEARN_HANDS are kept: no array grows, or is copied, frame by frame
      this.holdingHands.push(hand);
      if (this.holdingHands.length > LEARN_HANDS) this.holdingHands.shift();
    }
    if (probabilities) for (const label in probabilities) this.reading[label] = (this.reading[label] ?? 0) + probabilities[label] * dt;
    if (evidence < this.holdMs) return this.#state(evidence / this.holdMs, null, corrected);
    const read = probabilities ? normalised(this.reading) : null;
    const hands = this.holdingHands;
    this.#typedNow(held, now, false);
    this.recentlyTyped = [...this.recentlyTyped.slice(1 - RECENT), { at: now, before: this.text }];
    corrected = this.#type(held, read, hands) ?? corrected;
    return this.#state(1, held, corrected);
  }

  /** The word at the end of the text, checked against the dictionary: {from, to} where it changed. */
  #endWord() {
    const dictionary = this.dictionary();
    const word = wordAtEnd(this.text);
    if (!dictionary || !word || this.kept.has(word)) return null;
    const words = this.#withKept(dictionary.words); // the user's own words are candidates too
    const reads = this.reads.slice(-word.length), options = dictionary.options ?? CORRECTION;
    const to = this.wordFrames && reads.every(Boolean) && options.frames
      ? alignWord(word, this.wordFrames, words, dictionary.table, options, dictionary.names)
      : correctWord(word, reads, words, dictionary.table, options, dictionary.names);
    if (to === word) return null;
    const before = this.text.slice(0, -word.length);
    this.#change(before + to, this.#sureAfter(before, before + to), word);
    return { from: word, to };
  }

  /** withKept(words, this.kept), made again only when the list or the kept words change: the same
   *  list lets word correction reuse its candidates (words.js), word after word. */
  #withKept(words) {
    const key = [...this.kept].join(' ');
    if (this.keptList?.words !== words || this.keptList.key !== key) this.keptList = { words, key, list: withKept(words, this.kept) };
    return this.keptList.list;
  }

  /** Keep a frame for word correction: every frame once a letter of the word is typed, before that
   *  the last LEAD_MS (the first letter's hold). */
  #keepFrame(ms, read) {
    if (!this.wordFrames) return;
    this.wordFrames.push({ ms, read });
    this.wordFramesMs += ms;
    if (!wordAtEnd(this.text)) {
      while (this.wordFramesMs - this.wordFrames[0].ms > LEAD_MS) this.wordFramesMs -= this.wordFrames.shift().ms;
    } else if (this.wordFramesMs > WORD_MS) this.wordFrames = null;
  }

  /** A word begins: its frames from here. (null: they would not tell its letters.) */
  #newWordFrames(frames = []) {
    this.wordFrames = frames;
    this.wordFramesMs = 0;
  }

  #typedNow(sign, now, untyped) {
    this.evidence.clear(); // the next sign starts from nothing
    this.reading = {};
    this.holdingHands = [];
    this.typed = sign;
    this.typedSeen = now;
    this.untyped = untyped && sign !== null;
  }

  /** Forget a half-held sign (e.g. the camera stopped), so it does not commit on resume. */
  reset() {
    this.evidence.clear();
    this.reading = {};
    this.holdingHands = [];
    this.last = null;
    this.typed = null;
    this.untyped = false;
    this.ignoreHeld = false;
  }

  /** The sign held on the next frame is not typed until it is released, as if it had been typed:
   *  after teaching a sign (teach.js), the hand still showing it is not spelling. */
  ignoreUntilRelease() {
    this.reset();
    this.ignoreHeld = true;
  }

  /** A letter drawn in the air (motion.js: J, Z), its stroke begun at `since`: typed, in the place
   *  of the signs typed during the stroke (the I a J starts from; twice, if the moving hand was lost
   *  for a frame in between). The hand still showing it waits. */
  typeMotion(label, since) {
    const first = this.recentlyTyped.find((typed) => typed.at >= since);
    const during = first && this.text.length > first.before.length && this.text.startsWith(first.before);
    const before = during ? first.before : this.text;
    this.#change(before + label, this.#sureAfter(before, before + label));
    this.recentlyTyped = [];
    this.wordHands = null; // a J or Z has no still hand to learn from: neither has its word
    this.#newWordFrames(null); // nor still frames to align
    this.ignoreUntilRelease();
  }

  /** Replace the word being spelled (the letters at the end of the text) with `word` and a space:
   *  a completion picked (completion.js). Undo takes it back. */
  completeWord(word) {
    const before = this.text.replace(/[A-Za-z]*$/, '');
    this.#change(before + word + ' ', this.#sureAfter(before, before + word + ' '));
    this.wordHands = [];
    this.#newWordFrames();
    this.learning = null;
    this.ignoreUntilRelease(); // the letter still held is not typed after the word
  }

  clear() {
    if (this.text) this.#change('', []);
    this.wordHands = [];
    this.#newWordFrames();
    this.learning = null;
  }

  /** Undo the last change of the text (a typed sign, a del, a Clear, a correction). False if none.
   *  The word then at the end is the user's as it stands: its letters are not corrected again; a
   *  correction undone keeps its word for good (onKeep). */
  undo() {
    if (!this.history.length) return false;
    let corrected;
    [this.text, this.reads, corrected] = this.history.pop();
    this.wordHands = null; // which hands typed the letters now at the end is no longer known
    this.#newWordFrames(null); // nor which frames
    if (corrected && !this.kept.has(corrected)) {
      this.kept.add(corrected);
      this.onKeep(corrected);
    }
    this.reads = this.#sureAfter(this.text.slice(0, this.text.length - wordAtEnd(this.text).length), this.text);
    return true;
  }

  /** The readings for `text`, which begins with `before`: those of `before` as they were, the rest
   *  typed for sure (null: never corrected). */
  #sureAfter(before, text) {
    return [...this.reads.slice(0, before.length), ...Array(text.length - before.length).fill(null)];
  }

  /** Type a sign; `read`: what the recogniser read while it was held, `hands` the hands that held
   *  it. Returns a correction made by the space that ended a word ({from, to}) or null. */
  #type(label, read, hands = []) {
    const kind = special(label);
    // A space only ever separates words: none at the start, never two in a row.
    if (kind === 'space') {
      if (!this.text || this.text.endsWith(' ')) return null;
      const typed = wordAtEnd(this.text);
      const corrected = this.#endWord();
      this.#newWordFrames();
      this.#change(this.text + ' ', [...this.reads, null]);
      this.#endLearning(typed);
      return corrected;
    }
    if (kind === 'del') {
      if (this.text) this.#change(this.text.slice(0, -1), this.reads.slice(0, -1));
      this.wordHands?.pop();
      this.#newWordFrames(null);
    } else {
      if (this.learning) { // the next word begins: did the text stay as the last word left it?
        if (this.text === this.learning.text) this.onLearn(this.learning.letters);
        this.learning = null;
      }
      this.#change(this.text + label, [...this.reads, read]);
      if (this.wordHands && /^[A-Z]$/.test(label)) this.wordHands.push(hands);
      else this.wordHands = null;
    }
    return null;
  }

  /** A word ended (typed as `typed`, now the text's last word, corrected or not): what it would
   *  teach if the text still reads so when the next word begins. */
  #endLearning(typed) {
    const word = wordAtEnd(this.text.trimEnd());
    const hands = this.wordHands;
    this.wordHands = [];
    this.learning = null;
    if (!hands || hands.length !== typed.length || word.length !== typed.length) return;
    const letters = [...word].map((sign, i) => ({ sign, hands: hands[i] })).filter(({ hands }) => hands.length);
    if (letters.length) this.learning = { text: this.text, letters };
  }

  #change(text, reads, corrected = null) {
    this.history.push([this.text, this.reads, corrected]);
    this.text = text;
    this.reads = reads;
  }

  #state(progress, committed, corrected = null) {
    return { progress, committed, corrected, waiting: this.untyped, text: this.text };
  }
}

/** The word being spelled: the letters at the end of the text ('' after a space). */
const wordAtEnd = (text) => /[A-Z]*$/.exec(text)[0];

/** {label: value} scaled to sum to 1. */
function normalised(values) {
  const total = Object.values(values).reduce((sum, value) => sum + value, 0) || 1;
  return Object.fromEntries(Object.entries(values).map(([label, value]) => [label, value / total]));
}
