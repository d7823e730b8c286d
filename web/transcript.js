// The transcript panel: feeds each frame's top prediction to the speller and shows the result,
// with the hold bar, Copy / Clear / Undo / Speak, and a live region for screen readers.

import { NOTHING } from './recogniser.js';

/**
 * elements: {text, hold, holdLabel, announce, copy, clear, undo, speak, message, caption, captionSign,
 * captionText, onRender?}: caption* are the captions on the camera preview (phones), the same as the panel;
 * onRender is called whenever the text is shown anew.
 * Returns {update(top, now, read), reset(), teaching()}; update() takes the loop's per-frame top result
 * ({label, probability}) and every label's probability (the recogniser's `read`, for word correction).
 */
const IDLE = 'Hold a sign steady to type it';

export function bindTranscript(elements, speller) {
  const { text, hold, holdLabel, announce, copy, clear, undo, speak, message, caption, captionSign, captionText,
    onRender = () => {} } = elements;

  const render = () => {
    text.textContent = speller.text; // text, never HTML: labels come from a model's metadata.json
    captionText.textContent = speller.text;
    undo.disabled = speller.history.length === 0;
    for (const button of [copy, clear, speak]) button.disabled = speller.text.length === 0 || button.dataset.unsupported === 'true';
    onRender(); // e.g. the word completions (completion.js)
  };
  const say = (words) => {
    // Screen readers read a live region when its text changes; the transcript itself is not live,
    // so the whole sentence is not read again after every letter.
    announce.textContent = words;
  };
  const tell = (words) => { message.textContent = words; };
  const showHeld = (top, progress) => {
    captionSign.textContent = top && top.label !== NOTHING ? top.label : '';
    // Under the speller's bar a sign cannot be typed: shown faint, as a guess.
    captionSign.classList.toggle('unsure', Boolean(top) && top.probability < speller.threshold);
    caption.style.setProperty('--hold', progress);
  };

  clear.addEventListener('click', () => { speller.clear(); render(); say('Transcript cleared'); tell(''); });
  undo.addEventListener('click', () => { speller.undo(); render(); say(`Undone. ${speller.text || 'Transcript empty'}`); tell(''); });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(speller.text);
      tell('Copied.');
    } catch {
      tell('The browser did not allow copying; select the text and copy it by hand.');
    }
  });
  if (!('speechSynthesis' in window)) {
    speak.dataset.unsupported = 'true';
    speak.title = 'This browser cannot speak text aloud';
  }
  speak.addEventListener('click', () => {
    speechSynthesis.cancel();
    speechSynthesis.speak(new SpeechSynthesisUtterance(speller.text));
  });
  render();

  return {
    /** Show the text again after it changed outside update() (a completion picked). */
    refresh(words = null) {
      render();
      if (words) say(words);
    },
    update(top, now, read = null, hand = null) {
      const { progress, committed, corrected, waiting } = speller.update(top, now, read, hand);
      hold.value = progress;
      showHeld(top, progress);
      holdLabel.textContent = waiting ? 'Lower your hand or change sign to start typing'
        : progress >= 1 ? 'Typed; change or lower your hand to repeat it'
        : progress > 0 ? `Hold ${top.label}…` : IDLE;
      if (corrected) tell(`${corrected.from} corrected to ${corrected.to} (Undo keeps ${corrected.from}).`);
      if (committed !== null || corrected) {
        render();
        const kind = committed?.toLowerCase();
        const typed = kind === 'space' ? 'space' : kind === 'del' ? `deleted. ${speller.text}` : committed;
        say([corrected && `${corrected.from} corrected to ${corrected.to}`, typed].filter(Boolean).join(', '));
      }
    },
    reset() {
      speller.reset();
      hold.value = 0;
      showHeld(null, 0);
      holdLabel.textContent = IDLE;
    },
    /** This frame was shown to teach a sign: nothing is typed, nor, once the lesson ends, the sign
     *  still held then, until the hand is lowered or changes sign. */
    teaching() {
      this.reset();
      speller.ignoreUntilRelease();
    },
  };
}
