// The speller: turns a stream of per-frame predictions into typed text. Pure logic, no DOM,
// so `node --test` checks it without a browser (tests/js/speller.test.js).
//
// Rules (issue 5):
// - A sign is committed when the same top label stays at or above `threshold` for `holdMs`.
// - After a commit the same sign must be *released* before it can be committed again
//   (a frame below the threshold, `nothing`, or a different sign): that is how HELLO gets two L's
//   while a hand held still types one L, not LLLL.
// - `space` types a space (not at the start, not twice), `del` removes the last character,
//   `nothing` types nothing.
// - Every change of the text can be undone, Clear included.

// Chosen from measurements of the shipped digits model (README, "The speller"): at 0.75, 94 % of
// correctly read held-out photos pass (label smoothing keeps clear signs at ~0.9), but only 4 % of
// photos of hands that are no digit at all; holding 0.8 s (several frames in a row) filters more.
export const DEFAULTS = Object.freeze({ threshold: 0.75, holdMs: 800 });

// The letter sets spell the special classes in lower case, other copies capitalise them.
const SPECIAL = { space: 'space', del: 'del', delete: 'del', nothing: 'nothing' };
const special = (label) => SPECIAL[String(label).toLowerCase()] ?? null;

export class Speller {
  constructor({ threshold = DEFAULTS.threshold, holdMs = DEFAULTS.holdMs } = {}) {
    this.threshold = threshold;
    this.holdMs = holdMs;
    this.text = '';
    this.history = []; // earlier texts, for undo
    this.candidate = null; // the label being held, or null
    this.since = 0; // when the candidate started being held (ms)
    this.committed = false; // the candidate was already typed: wait for a release
    this.untyped = false; // ...or was counted as typed without being typed (ignoreUntilRelease)
    this.ignoreHeld = false; // the next sign seen counts as typed already (it was shown to teach it)
  }

  /**
   * Feed one frame's top prediction ({label, probability}, or null for no prediction) at time
   * `now` (ms). Returns {progress: 0..1 towards committing, committed: the label typed this frame
   * or null, waiting: the sign held is not typed until a release, text}.
   */
  update(top, now) {
    const held = top && top.probability >= this.threshold && special(top.label) !== 'nothing'
      ? top.label : null;
    if (this.ignoreHeld) { // whatever is held now counts as typed: it waits for a release like one
      this.ignoreHeld = false;
      this.candidate = held;
      this.since = now;
      this.committed = held !== null;
      this.untyped = this.committed;
    }
    if (held !== this.candidate) { // a release or a new sign: start over
      this.candidate = held;
      this.since = now;
      this.committed = false;
      this.untyped = false;
    }
    if (held === null) return this.#state(0, null);
    if (this.committed) return this.#state(this.untyped ? 0 : 1, null);
    const progress = Math.min(1, (now - this.since) / this.holdMs);
    if (progress < 1) return this.#state(progress, null);
    this.committed = true;
    this.#type(held);
    return this.#state(1, held);
  }

  /** Forget a half-held sign (e.g. the camera stopped), so it does not commit on resume. */
  reset() {
    this.candidate = null;
    this.committed = false;
    this.untyped = false;
    this.ignoreHeld = false;
  }

  /** The sign held on the next frame is not typed until it is released, as if it had been typed:
   *  after teaching a sign (teach.js), the hand still showing it is not spelling. */
  ignoreUntilRelease() {
    this.reset();
    this.ignoreHeld = true;
  }

  clear() {
    if (this.text) this.#change('');
  }

  /** Undo the last change of the text (a typed sign, a del, or a Clear). False if none. */
  undo() {
    if (!this.history.length) return false;
    this.text = this.history.pop();
    return true;
  }

  #type(label) {
    const kind = special(label);
    // A space only ever separates words: none at the start, never two in a row.
    if (kind === 'space') { if (this.text && !this.text.endsWith(' ')) this.#change(this.text + ' '); }
    else if (kind === 'del') { if (this.text) this.#change(this.text.slice(0, -1)); }
    else this.#change(this.text + label);
  }

  #change(text) {
    this.history.push(this.text);
    this.text = text;
  }

  #state(progress, committed) {
    return { progress, committed, waiting: this.untyped, text: this.text };
  }
}
