// "Learn the signs": the chart (every sign of the model drawn from its typical hand, chart.js) and
// practice (practice.js) on the page. A sign's Practise button starts the camera if need be and asks
// for that sign; after each right answer the next sign is chosen by nextSign, or the next letter of
// a word being practised. While practising, camera frames are for practice, not for typing.

import { drawSign } from './chart.js';
import { offerDownload } from './download.js';
import { Attempt, LEARNT_AFTER, Progress, nextSign } from './practice.js';

const NEXT_AFTER_MS = 1200; // "Right!" stays this long before the next sign

/** ui: { chart (ol), sign, reference, yours (canvases), verdict, feedback (ul), start, next, stop,
 *  word (input), wordGo, progress, save, load (file input), forget, note };
 *  page: { recogniser(), model(), chart(), running(), start() }. */
export function bindPractice(ui, page) {
  let attempt = null;
  let queue = []; // the rest of a word being practised
  let word = null;
  let rightAt = null;
  let progress = null;

  const chart = () => page.chart() ?? {};
  const signs = () => Object.keys(chart());
  const say = (text) => { ui.verdict.textContent = text; };
  const usable = () => Boolean(page.recogniser()?.usesHands) && signs().length > 0;

  function refresh() {
    if (!progress || progress.model !== page.model()) progress = new Progress(page.model());
    drawChart();
    ui.start.disabled = !usable() || attempt !== null;
    ui.next.disabled = attempt === null;
    ui.stop.disabled = attempt === null;
    ui.wordGo.disabled = !usable() || !page.recogniser()?.labels.includes('A');
    ui.word.disabled = ui.wordGo.disabled;
    ui.save.disabled = Object.keys(progress.signs).length === 0;
    ui.forget.disabled = ui.save.disabled;
    ui.note.textContent = usable() ? '' : (signs().length
      ? 'Practice needs "Read the hand\'s shape" (Settings): it compares your hand\'s shape with the sign\'s.'
      : `The ${page.model()} model has no chart of signs (signs.json) on this site.`);
    const learnt = signs().filter((sign) => progress.learnt(sign));
    const wrong = signs().filter((sign) => (progress.signs[sign]?.wrong ?? 0) > 0 && !progress.learnt(sign));
    const practised = signs().filter((sign) => progress.signs[sign]);
    ui.progress.textContent = `Practised ${practised.length} of ${signs().length} signs; learnt ` +
      `(right first time ${LEARNT_AFTER} times running) ${learnt.length}` + (learnt.length ? `: ${learnt.join(' ')}` : '') +
      '.' + (wrong.length ? ` Practise again: ${wrong.join(' ')}.` : '');
  }

  /** The chart: a card a sign, with its drawing, how to form it, and a button to practise it. */
  function drawChart() {
    const shown = [...ui.chart.children].map((item) => item.dataset.sign).join();
    if (shown === signs().join()) {
      for (const item of ui.chart.children) item.classList.toggle('learnt', progress.learnt(item.dataset.sign));
      return;
    }
    ui.chart.replaceChildren(...Object.values(chart()).map((sign) => {
      const item = document.createElement('li');
      item.dataset.sign = sign.label;
      item.dataset.testid = `chart-${sign.label}`;
      item.classList.toggle('learnt', progress.learnt(sign.label));
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 120;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Drawing of the hand for ${sign.label}`);
      drawSign(canvas, sign.hand);
      const title = document.createElement('h3');
      title.textContent = sign.label; // text, never HTML
      const text = document.createElement('p');
      text.textContent = sign.description;
      item.append(title, canvas, text);
      if (sign.motion) {
        const motion = document.createElement('p');
        motion.className = 'motion';
        motion.textContent = sign.motion;
        item.append(motion);
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = 'Practise';
      button.setAttribute('aria-label', `Practise ${sign.label}`);
      button.dataset.testid = `practise-${sign.label}`;
      button.addEventListener('click', () => practise(sign.label));
      item.append(button);
      return item;
    }));
  }

  async function practise(sign, letters = []) {
    if (!usable()) {
      refresh();
      say(ui.note.textContent);
      return;
    }
    queue = letters;
    ask(sign);
    ui.sign.scrollIntoView?.({ block: 'nearest' });
    if (!page.running()) await page.start();
    if (!page.running()) end('Practice needs the camera.');
  }

  function ask(sign) {
    attempt = new Attempt(sign, chart());
    rightAt = null;
    ui.sign.textContent = word ? `${sign} (${word})` : sign;
    drawSign(ui.reference, chart()[sign]?.hand);
    drawSign(ui.yours, null);
    ui.feedback.replaceChildren();
    say(`Sign ${sign}.` + (chart()[sign]?.motion ? ` ${chart()[sign].motion}` : ''));
    refresh();
  }

  function next() {
    if (attempt && attempt.phase !== 'right' && attempt.missed) progress.record(attempt.sign, { right: false, missed: true });
    if (queue.length) return ask(queue.shift());
    if (word) say(`You spelled ${word}.`);
    word = null;
    ask(nextSign(signs(), progress, attempt?.sign));
  }

  function end(message) {
    attempt = null;
    queue = [];
    word = null;
    ui.sign.textContent = '–';
    ui.feedback.replaceChildren();
    say(message);
    refresh();
  }

  ui.start.addEventListener('click', () => practise(nextSign(signs(), progress)));
  ui.next.addEventListener('click', next);
  ui.stop.addEventListener('click', () => end('Practice stopped.'));
  ui.wordGo.addEventListener('click', () => {
    const letters = [...ui.word.value.toUpperCase()].filter((letter) => chart()[letter]);
    if (!letters.length) {
      say('Type a word of letters to practise it.');
      return;
    }
    word = letters.join('');
    practise(letters[0], letters.slice(1));
  });
  ui.word.addEventListener('keydown', (event) => { if (event.key === 'Enter') ui.wordGo.click(); });
  ui.forget.addEventListener('click', () => { progress.forget(); refresh(); say(`Forgot your practice on ${page.model()}.`); });
  ui.save.addEventListener('click', () => {
    const filename = `signcam-practice-${page.model()}.json`;
    offerDownload(filename, progress.toFile());
    say(`Saved your practice to ${filename}.`);
  });
  ui.load.addEventListener('change', async () => {
    const [file] = ui.load.files;
    ui.load.value = '';
    if (!file) return;
    try {
      const loaded = progress.load(await file.text());
      say(`Loaded practice on ${loaded.length} signs from "${file.name}".`);
    } catch (error) {
      say(`"${file.name}" could not be loaded: ${error.message}.`);
    }
    refresh();
  });

  /** Each camera frame's result (and a J or Z drawn on it: motion.js). True while practising: the
   *  frame is not for typing. */
  function onFrame(result, now, drawn = null) {
    if (!attempt) return false;
    if (rightAt !== null) {
      if (now - rightAt >= NEXT_AFTER_MS) next();
      return true;
    }
    const before = attempt.phase;
    const phase = attempt.update(result, now, drawn);
    drawSign(ui.yours, result.features ?? null);
    const sign = attempt.sign;
    if (phase === 'right') {
      progress.record(sign, { right: true, missed: attempt.missed });
      rightAt = now;
      ui.feedback.replaceChildren();
      say(`Right: that is ${sign}.` + (progress.learnt(sign) ? ` ${sign} is learnt.` : ''));
      refresh();
    } else if (phase === 'wrong') {
      say(`Not yet: that reads as ${attempt.read}.` + (attempt.differences.length ? '' : ` Compare your hand with ${sign}'s.`));
      const texts = attempt.differences.map((difference) => difference.text);
      if ([...ui.feedback.children].map((item) => item.textContent).join() !== texts.join()) {
        ui.feedback.replaceChildren(...texts.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
      }
    } else if (phase === 'waiting' && before !== 'waiting') {
      say(`Sign ${sign}: show your hand to the camera.`);
    } else if (phase === 'trying' && before !== 'trying') {
      say(`Sign ${sign}: hold it steady…`);
    }
    return true;
  }

  /** The camera stopped or the model changed. */
  function cancel() {
    if (attempt) end('Practice stopped.');
    else refresh();
  }

  return { onFrame, cancel, refresh, practise };
}
