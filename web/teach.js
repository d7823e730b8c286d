// "Teach it your signs": pick a sign, hold it up to the camera, press Teach (or Teach every sign, to
// go through them all in turn). After a moment to form it, the next PER_SIGN camera frames in which a
// hand is found become the user's own hands of that sign (personal.js), remembered per model in this
// browser. For the people the training photos never saw, whose way of forming a letter the models
// misread every time (studies/personal_people.py: 15 people never seen, 81.6 % -> 93.8 %, every sign taught).

import { GIVE_UP_MS, Lesson, OwnSigns, PER_SIGN, SignsFileError, readSignsFile, signsFile } from './personal.js';
import { NOTHING } from './recogniser.js';
import { offerDownload } from './download.js';

const mostCommon = (labels) => {
  const counts = new Map();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
};

/** ui: { sign (select), teach, teachAll, forget, save, load (file input), status, taught, guide (the label
 *  over the preview) };
 *  page: { recogniser(), model(), running(), learnFromWords() }. */
export function bindTeaching(ui, page) {
  let lesson = null; // while signs are being taught
  let taughtNow = []; // signs taught by this lesson
  let readings = []; // what the frames being recorded were read as, before this sign was taught
  let readAs = null; // what they were mostly read as, if another sign

  const idleGuide = ui.guide.textContent;
  const say = (message) => { ui.status.textContent = message; };
  const prompt = (text) => { ui.guide.textContent = text ?? idleGuide; }; // where the signer is looking
  const signs = () => page.recogniser().labels.filter((label) => label !== NOTHING);

  function refresh() {
    const recogniser = page.recogniser();
    const usable = Boolean(recogniser?.usesHands);
    if (usable && !recogniser.ownSigns) recogniser.ownSigns = new OwnSigns(page.model());
    const offered = usable ? signs() : [];
    if ([...ui.sign.options].map((option) => option.value).join() !== offered.join()) {
      ui.sign.replaceChildren(...offered.map((label) => new Option(label, label))); // text, never HTML
    }
    ui.sign.disabled = !usable || lesson !== null;
    ui.teach.disabled = !usable || !page.running();
    ui.teach.textContent = lesson ? 'Stop' : 'Teach';
    ui.teachAll.disabled = !usable || !page.running() || lesson !== null;
    ui.forget.disabled = !usable || recogniser.ownSigns.empty || lesson !== null;
    ui.save.disabled = ui.forget.disabled;
    ui.load.disabled = !usable || lesson !== null;
    if (!usable) {
      ui.taught.textContent = 'Needs "Read the hand\'s shape" (Settings) and a model with a keypoint model.';
      return;
    }
    const counts = Object.entries(recogniser.ownSigns.counts());
    ui.taught.textContent = counts.length
      ? `Your signs (${page.model()}): ${counts.map(([sign, n]) => `${sign} (${n} hands)`).join(', ')}`
      : `No signs of your own taught for ${page.model()} yet.`;
    if (!page.running() && !lesson) say('Start the camera to teach a sign.');
  }

  function begin(chosen) {
    lesson = new Lesson(chosen, performance.now());
    taughtNow = [];
    readings = [];
    readAs = null;
    say(`Get ready to sign ${lesson.sign}…`);
    refresh();
  }

  function end(message) {
    lesson = null;
    prompt(null);
    say(message);
    refresh();
  }

  ui.teach.addEventListener('click', () => {
    if (lesson) end(taughtNow.length ? `Stopped. Taught ${taughtNow.join(' ')}.` : 'Stopped: nothing taught.');
    else begin([ui.sign.value]);
  });
  ui.teachAll.addEventListener('click', () => begin(signs()));

  ui.forget.addEventListener('click', () => {
    page.recogniser().ownSigns.forget();
    refresh();
    say(`Forgot your signs for ${page.model()}.`);
  });

  ui.save.addEventListener('click', () => {
    const filename = `signcam-signs-${page.model()}.json`;
    const { taught, learnt } = page.recogniser().ownSigns;
    offerDownload(filename, signsFile(page.model(), taught, learnt));
    say(`Saved your ${page.model()} signs to ${filename}.`);
  });

  ui.load.addEventListener('change', async () => {
    const [file] = ui.load.files;
    ui.load.value = ''; // the same file can be chosen again
    if (!file) return;
    const recogniser = page.recogniser();
    let message;
    try {
      const { signs: loaded, skipped, lessons } = readSignsFile(await file.text(), page.model(), recogniser.labels);
      recogniser.ownSigns.load(loaded, lessons);
      message = `Loaded ${Object.keys(loaded).join(' ')} from "${file.name}".` +
        (skipped.length ? ` Left out, not signs of ${page.model()} or damaged: ${skipped.join(' ')}.` : '');
    } catch (error) {
      message = error instanceof SignsFileError ? `"${file.name}": ${error.message}`
        : `"${file.name}" could not be read: ${error.message}`;
    }
    refresh();
    say(message);
  });

  /** Each camera frame's result. True while a lesson runs: that frame is for teaching, not for typing. */
  function onFrame(result, now) {
    if (!lesson) return false;
    if (lesson.phase === 'recording' && result.features) readings.push(result.top[0].label);
    const { phase, sign, count, taught } = lesson.update(result.features ?? null, now);
    if (taught) {
      page.recogniser().ownSigns.teach(taught.sign, taught.hands);
      taughtNow.push(taught.sign);
      readAs = mostCommon(readings);
      if (readAs === taught.sign || readAs === NOTHING) readAs = null;
      readings = [];
      refresh();
    }
    const after = taught ? `Taught ${taught.sign}. ` : '';
    if (phase === 'done') {
      // A hand taught as one sign pulls hands like it, the sign it was read as included (docs/experiments.md,
      // *Your own signs*): say which, so that one can be taught too.
      const [only] = taughtNow;
      end(taughtNow.length > 1 ? `Taught ${taughtNow.length} signs: ${taughtNow.join(' ')}.`
        : `Taught ${only}: a hand like yours now reads as ${only}.` + (readAs
          ? ` It was read as ${readAs}: if your ${readAs} now reads as ${only} too, teach ${readAs} as well.` : ''));
    } else if (phase === 'no hand') {
      end(`Your hand was found in ${count} of the frames in ${GIVE_UP_MS / 1000} s: ${sign} not taught. ` +
        'Hold your hand inside the frame, in good light, and try again.');
    } else if (phase === 'ready') {
      say(`${after}Get ready to sign ${sign}…`);
      prompt(`Next: ${sign}`);
    } else {
      say(`${after}Hold ${sign} steady… ${count} of ${PER_SIGN}`);
      prompt(`Hold ${sign}: ${count} of ${PER_SIGN}`);
    }
    return true;
  }

  /** A word the user kept (speller.js onLearn: [{sign, hands}]): its letters' hands become their own
   *  signs, as a lesson's would, unless turned off (studies/learn_from_words.py measures it). */
  function learn(letters) {
    const recogniser = page.recogniser();
    if (lesson || !page.learnFromWords() || !recogniser?.usesHands || !recogniser.ownSigns) return;
    const known = letters.filter(({ sign }) => recogniser.labels.includes(sign));
    if (!known.length) return;
    recogniser.ownSigns.learn(known);
    refresh();
    say(`Learnt how you sign ${known.map(({ sign }) => sign).join(' ')} from the word you kept.`);
  }

  /** The camera stopped or the model changed: a lesson in progress ends. */
  function cancel() {
    const stopped = lesson?.sign;
    lesson = null;
    prompt(null);
    refresh();
    if (stopped) say(`Stopped: ${stopped} not taught.`);
  }

  return { onFrame, cancel, refresh, learn };
}
