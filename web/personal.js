// Your own signs: a few of the user's own hands per sign steer the keypoint model towards how they
// sign (training/personal.py says why and measures it; tests/test_personal.py compares the two).
// Only the hand's 63 normalised landmark numbers are kept, in this browser's localStorage, per
// model: never a picture, never sent anywhere. Hands are compared as handPoint()s: the landmarks
// and the keypoint model's answer on them (the recogniser works out the taught hands' answers).

import { readStored, writeStored } from './storage.js';

export const TAU = 0.1; // squared distance between hand points (the hand's size is 1)
export const GAMMA = 8; // how much the user's own hands weigh against the keypoint model's
export const BETA = 1.5; // the keypoint model's answer beside the landmarks: a taught sign then pulls fewer look-alikes
export const FLOOR = 1e-3; // what a sign never taught, or a hand far from every taught one, keeps
export const PER_SIGN = 10; // hands kept per sign: frames recorded by one Teach

/** training/personal.py hand_points() for one hand: its 63 numbers, then BETA × √ each keypoint probability. */
export function handPoint(features, keypointProbabilities) {
  return [...Array.from(features), ...Array.from(keypointProbabilities, (p) => BETA * Math.sqrt(p))];
}

/** training/personal.py personal_probabilities() for one hand point: how near it is to the user's
 *  hands of each sign ({ sign: [hand points] }). */
export function personalProbabilities(point, taught, labels) {
  const density = labels.map((label) => {
    const hands = taught[label];
    if (!hands?.length) return FLOOR;
    let sum = 0;
    for (const hand of hands) {
      let squared = 0;
      for (let i = 0; i < hand.length; i++) squared += (point[i] - hand[i]) ** 2;
      sum += Math.exp(-squared / TAU);
    }
    return sum / hands.length + FLOOR;
  });
  const total = density.reduce((a, b) => a + b, 0);
  return density.map((value) => value / total);
}

// 4 decimals: a third of the storage, distances unchanged at the scale TAU reads them
const stored = (hand) => Array.from(hand, (v) => Math.round(v * 1e4) / 1e4);

const isHands = (hands) => Array.isArray(hands) &&
  hands.every((hand) => Array.isArray(hand) && hand.length === 63 && hand.every(Number.isFinite));

/** The hands a user taught for one model, kept in localStorage under signcam.own-signs.MODEL, and
 *  those learnt from the words they kept, under signcam.learnt-signs.MODEL: apart, so that a word
 *  never pushes out a lesson's hands (a word left standing wrong teaches its misread letters). */
export class OwnSigns {
  constructor(model, storage = null) {
    this.key = `signcam.own-signs.${model}`;
    this.learntKey = `signcam.learnt-signs.${model}`;
    this.storage = storage;
    const read = (key) => Object.fromEntries(Object.entries(readStored(key, storage)).filter(([, hands]) => isHands(hands)));
    this.taught = read(this.key);
    this.learnt = read(this.learntKey);
    this.version = 0; // counts changes, so that what is worked out from the hands is worked out again
  }

  /** { sign: [hands] }: taught and learnt together, as the recogniser compares them. */
  hands() {
    const all = Object.fromEntries(Object.entries(this.taught).map(([sign, hands]) => [sign, [...hands]]));
    for (const [sign, hands] of Object.entries(this.learnt)) all[sign] = [...(all[sign] ?? []), ...hands];
    return all;
  }

  /** { sign: number of hands } */
  counts() {
    return Object.fromEntries(Object.entries(this.hands()).map(([sign, hands]) => [sign, hands.length]));
  }

  get empty() {
    return this.noLesson && Object.keys(this.learnt).length === 0;
  }

  /** No sign taught by a lesson (some may have been learnt from words). */
  get noLesson() {
    return Object.keys(this.taught).length === 0;
  }

  /** Replace what was taught for this sign with these hands (arrays of 63 numbers); a lesson also
   *  replaces what was learnt of it. */
  teach(sign, hands) {
    this.taught[sign] = hands.slice(-PER_SIGN).map(stored);
    delete this.learnt[sign];
    this.save();
  }

  /** Add hands to signs ([{sign, hands}]: a word the user kept, speller.js onLearn), each sign
   *  keeping its newest PER_SIGN learnt. */
  learn(letters) {
    for (const { sign, hands } of letters) this.learnt[sign] = [...(this.learnt[sign] ?? []), ...hands.map(stored)].slice(-PER_SIGN);
    this.save();
  }

  /** A signs file's hands (readSignsFile): its lessons' signs as taught, the rest as learnt from words,
   *  so that saving them again keeps them apart. */
  load(signs, lessons) {
    for (const [sign, hands] of Object.entries(signs)) {
      if (lessons.includes(sign)) this.teach(sign, hands);
      else this.learn([{ sign, hands }]);
    }
  }

  forget() {
    this.taught = {};
    this.learnt = {};
    this.save();
  }

  save() {
    this.version += 1;
    writeStored(this.key, this.taught, this.storage); // full or blocked: taught for this visit only
    writeStored(this.learntKey, this.learnt, this.storage);
  }
}

// A file of the user's signs (Save my signs / Load signs), to carry them to another browser or
// device, or keep them when the browser's data is cleared: the same 63 numbers a hand, as JSON.
export const FILE_FORMAT = 'signcam-own-signs';

export class SignsFileError extends Error {}

/** The text of a signs file for this model: every sign's hands, a lesson's before those learnt from
 *  words, and which signs a lesson taught (training/signs_files.py trains on those alone: a word kept
 *  wrong teaches wrong letters). */
export function signsFile(model, taught, learnt = {}) {
  return JSON.stringify({ format: FILE_FORMAT, version: 1, model, signs: { ...learnt, ...taught },
    lessons: Object.keys(taught) });
}

/** Read a signs file for `model`, whose signs are `labels`: { signs: { sign: hands }, skipped: [sign],
 *  lessons: [sign] } (skipped: signs this model does not have, or whose hands are not 63 numbers each;
 *  lessons: the signs read that a lesson taught, all of them in a file that does not say). Throws
 *  SignsFileError with a message fit for the page. */
export function readSignsFile(text, model, labels) {
  let file = null;
  try {
    file = JSON.parse(text);
  } catch {
    // not JSON: said below
  }
  if (file?.format !== FILE_FORMAT || typeof file.signs !== 'object' || file.signs === null) {
    throw new SignsFileError('This is not a file of SignCam signs (one is made by "Save my signs").');
  }
  if (file.model !== model) {
    throw new SignsFileError(`This file holds signs for the "${file.model}" model: choose it above, then load the file again.`);
  }
  const signs = {};
  const skipped = [];
  for (const [sign, hands] of Object.entries(file.signs)) {
    if (labels.includes(sign) && isHands(hands) && hands.length) signs[sign] = hands.slice(-PER_SIGN);
    else skipped.push(sign);
  }
  if (!Object.keys(signs).length) throw new SignsFileError(`This file holds no signs the "${model}" model can use.`);
  const lessons = Array.isArray(file.lessons) ? file.lessons : Object.keys(file.signs);
  return { signs, skipped, lessons: Object.keys(signs).filter((sign) => lessons.includes(sign)) };
}

export const READY_MS = 1500; // before each sign is recorded: time to form it (and to lower the finger that pressed Teach)
export const GIVE_UP_MS = 15_000; // recording a sign for this long without PER_SIGN hands found: the lesson ends

/** Teaching one sign, or several in turn: for each, READY_MS to form it, then PER_SIGN frames with a hand.
 *  update(features or null, now) -> { phase: 'ready' | 'recording' | 'done' | 'no hand', sign, count, taught }
 *  where taught = { sign, hands } on the frame that completes a sign. */
export class Lesson {
  constructor(signs, now) {
    this.signs = [...signs];
    this.index = 0;
    this.next(now);
  }

  next(now) {
    this.phase = this.index < this.signs.length ? 'ready' : 'done';
    this.since = now;
    this.hands = [];
  }

  get sign() {
    return this.signs[this.index];
  }

  update(features, now) {
    let taught = null;
    if (this.phase === 'ready' && now - this.since >= READY_MS) {
      this.phase = 'recording';
      this.since = now;
    } else if (this.phase === 'recording') {
      if (features) this.hands.push(features);
      if (this.hands.length >= PER_SIGN) {
        taught = { sign: this.sign, hands: this.hands };
        this.index += 1;
        this.next(now);
      } else if (now - this.since > GIVE_UP_MS) {
        this.phase = 'no hand';
      }
    }
    return { phase: this.phase, sign: this.sign, count: this.hands.length, taught };
  }
}
