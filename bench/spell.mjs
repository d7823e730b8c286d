// The spelling benchmark's fast runner: streams of per-frame recogniser probabilities fed through the
// page's own speller (web/speller.js) and letter model of English (web/language.js), as app.js does
// each frame: probabilities × English prior given the text so far -> top -> Speller.update.
//
//   node bench/spell.mjs STREAMS.json > TYPED.json
//
// STREAMS.json (studies/spelling.py writes it): {labels, frame_ms, english (a table's path, true or
//   false: the letter model, and with it word correction against web/language/words.json and names.json),
//   correction? (words.js CORRECTION's constants, each in place of the page's), threshold?, hold_ms?, unlisted? (names left out of names.json),
//   people: {PERSON: {probabilities: [[p per label] per photo], streams: [[photo index or -1] per frame]}}};
// -1 is a frame with no hand and no sign (an empty scene: 'nothing', as the recogniser says).
// Prints {PERSON: [{text, last_ms}]}: what each stream typed, and when its letters last changed; with
// input.completion ({list: [WORD]}), also _completion: {list: share of letters completion saves}.
// input.session (studies/learn_from_words.py): each person's streams are one visit, spelled in turn by
// one speller that learns from the words kept, as the page's does (speller.js onLearn), from the frames
// whose photo has a hand (people[P].hands: 1 or 0 a photo); with session.delete_wrong, a word typed
// other than people[P].words says is cleared before the next (the user presses Clear). Also prints
// _learnt: {PERSON: [{sign, hands: [photo]}] in the order the page would learn them}.
import fs from 'node:fs';

import { Speller, DEFAULTS } from '../web/speller.js';
import { prior, rerank } from '../web/language.js';
import { lettersToSign } from '../web/completion.js';
import { CORRECTION } from '../web/words.js';

const input = JSON.parse(fs.readFileSync(process.argv[2]));
// The letter model of English: input.english names a table like web/language/en.json (the benchmark
// builds one without its own words), or true for the page's own.
const tableFile = input.english === true ? new URL('../web/language/en.json', import.meta.url) : input.english;
const table = input.english ? JSON.parse(fs.readFileSync(tableFile)) : null;
const { labels, frame_ms: frameMs } = input;
const languageFile = (file, key) => JSON.parse(fs.readFileSync(new URL(`../web/language/${file}`, import.meta.url)))[key];
const words = languageFile('words.json', 'words');
const unlisted = new Set(input.unlisted ?? []); // names to spell as if the list lacked them
const names = languageFile('names.json', 'names').filter((name) => !unlisted.has(name));
const dictionary = table ? { words, table, options: { ...CORRECTION, ...input.correction }, names } : null;
const nothing = { label: 'nothing', probability: 1 };

function top(probabilities) {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  return { label: labels[best], probability: probabilities[best] };
}

const out = {};
const learnt = {};
for (const [person, { probabilities, streams, hands = [], words = [] }] of Object.entries(input.people)) {
  const newSpeller = () => new Speller({ threshold: input.threshold ?? DEFAULTS.threshold,
    holdMs: input.hold_ms ?? DEFAULTS.holdMs, dictionary: () => dictionary,
    onLearn: (letters) => learnt[person].push(...letters.map(({ sign, hands: held }) => ({ sign, hands: held.map((h) => h.photo) }))) });
  learnt[person] = [];
  const visit = input.session ? newSpeller() : null;
  let start = 0; // ms: a visit's streams follow one another
  out[person] = streams.map((frames, s) => {
    const speller = visit ?? newSpeller();
    const from = speller.text.length;
    let last = null;
    frames.forEach((photo, i) => {
      let reading = nothing, read = null;
      if (photo >= 0) {
        const p = probabilities[photo];
        reading = top(table ? rerank(p, prior(table, speller.text, labels)) : p);
        read = Object.fromEntries(labels.map((label, k) => [label, p[k]]));
      }
      const before = speller.text.trimEnd(); // the space lowering the hand types is not the word's
      speller.update(reading, start + i * frameMs, read, photo >= 0 && hands[photo] ? { photo } : null);
      if (speller.text.trimEnd() !== before) last = i * frameMs;
    });
    if (visit) start += frames.length * frameMs;
    const text = speller.text.slice(from);
    if (input.session?.delete_wrong && text.trim() !== words[s]) speller.clear();
    return { text, last_ms: last };
  });
}
if (input.session) out._learnt = learnt;
// Word completion (web/completion.js with web/language/words.json and names.json): of each list's letters, the share
// a user need not sign, picking the word once it is offered.
if (input.completion) {
  out._completion = Object.fromEntries(Object.entries(input.completion).map(([name, list]) => {
    const letters = list.reduce((sum, word) => sum + word.length, 0);
    const signed = list.reduce((sum, word) => sum + lettersToSign(words, word, undefined, names), 0);
    return [name, 1 - signed / letters];
  }));
}
process.stdout.write(JSON.stringify(out));
