// "Teach it your signs": pick a sign, hold it up to the camera, press Teach. The next PER_SIGN camera
// frames in which a hand is found become the user's own hands of that sign (personal.js), remembered
// per model in this browser. For the people the training photos never saw, whose way of forming a
// letter the models misread every time (training/personal.py: one new signer 64 % -> 91 %).

import { OwnSigns, PER_SIGN } from './personal.js';
import { NOTHING } from './recogniser.js';

const GIVE_UP_MS = 15_000; // no hand in view for this long while recording: stop and say why

/** ui: { sign (select), teach, forget, status, taught }; page: { recogniser(), model(), running() }. */
export function bindTeaching(ui, page) {
  let recording = null; // { sign, hands, started } while frames are being taken

  const say = (message) => { ui.status.textContent = message; };

  function refresh() {
    const recogniser = page.recogniser();
    const usable = Boolean(recogniser?.usesHands);
    if (usable && !recogniser.ownSigns) recogniser.ownSigns = new OwnSigns(page.model());
    const signs = usable ? recogniser.labels.filter((label) => label !== NOTHING) : [];
    if ([...ui.sign.options].map((option) => option.value).join() !== signs.join()) {
      ui.sign.replaceChildren(...signs.map((label) => new Option(label, label))); // text, never HTML
    }
    ui.sign.disabled = !usable;
    ui.teach.disabled = !usable || !page.running() || recording !== null;
    ui.forget.disabled = !usable || recogniser.ownSigns.empty;
    if (!usable) {
      ui.taught.textContent = 'Needs "Read the hand\'s shape" (Settings) and a model with a keypoint model.';
      return;
    }
    const counts = Object.entries(recogniser.ownSigns.counts());
    ui.taught.textContent = counts.length
      ? `Your signs (${page.model()}): ${counts.map(([sign, n]) => `${sign} (${n} hands)`).join(', ')}`
      : `No signs of your own taught for ${page.model()} yet.`;
    if (!page.running() && !recording) say('Start the camera to teach a sign.');
  }

  ui.teach.addEventListener('click', () => {
    recording = { sign: ui.sign.value, hands: [], started: performance.now() };
    say(`Hold your ${recording.sign} steady in view…`);
    refresh();
  });

  ui.forget.addEventListener('click', () => {
    page.recogniser().ownSigns.forget();
    say(`Forgot your signs for ${page.model()}.`);
    refresh();
  });

  /** Each camera frame's result. True while recording: that frame is for teaching, not for typing. */
  function onFrame(result, now) {
    if (!recording) return false;
    if (result.features) recording.hands.push(result.features);
    const { sign, hands } = recording;
    if (hands.length >= PER_SIGN) {
      page.recogniser().ownSigns.teach(sign, hands);
      recording = null;
      say(`Taught ${sign}: a hand like yours now reads as ${sign}.`);
      refresh();
    } else if (now - recording.started > GIVE_UP_MS) {
      recording = null;
      say(`No hand found for ${GIVE_UP_MS / 1000} s: nothing taught. Hold your hand inside the frame and try again.`);
      refresh();
    } else {
      say(`Hold your ${sign} steady in view… ${hands.length} of ${PER_SIGN}`);
    }
    return true;
  }

  /** The camera stopped or the model changed: a recording in progress is dropped. */
  function cancel() {
    if (recording) say(`Stopped: ${recording.sign} not taught.`);
    recording = null;
    refresh();
  }

  return { onFrame, cancel, refresh };
}
