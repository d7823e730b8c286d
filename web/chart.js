// The chart of signs: model/NAME/signs.json (training/chart.py, written by `make convert`) holds each
// sign's typical hand (63 normalised landmark numbers, no picture), a line on how it is formed and,
// for J and Z, the motion. drawSign() draws such a hand, as someone facing the signer sees it.

const BONES = [[0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11],
  [11, 12], [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20]];
// A colour a finger (thumb to little finger), so "your ring finger" can be found in the drawing.
export const FINGER_COLOURS = ['#b3261e', '#0b5cad', '#1b7f3b', '#8a4baf', '#a35c00'];
const fingerOf = (point) => (point === 0 ? -1 : Math.floor((point - 1) / 4));
const PALM = new Set(['0,5', '5,9', '9,13', '13,17', '0,17']); // drawn grey: they belong to no finger

export class ChartError extends Error {}

/** model/NAME/signs.json as {label: {label, description, motion?, hand}}; null where the model has none. */
export async function loadChart(folderUrl) {
  const url = new URL('signs.json', new URL(folderUrl, document.baseURI));
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ChartError(`The chart of signs (${url}) could not be fetched: ${error.message}`);
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new ChartError(`The chart of signs (${url}) answered ${response.status}.`);
  const data = await response.json().catch(() => null);
  const signs = data?.signs;
  if (!Array.isArray(signs) || !signs.every((sign) => typeof sign.label === 'string' && Array.isArray(sign.hand)
    && sign.hand.length === 63 && sign.hand.every(Number.isFinite))) {
    throw new ChartError(`The chart of signs (${url}) is damaged: every sign needs a label and a hand of 63 numbers.`);
  }
  return Object.fromEntries(signs.map((sign) => [sign.label, sign]));
}

/** Draws a hand (63 normalised numbers: x right, y down, wrist at 0) to fit the canvas: bones, then
 *  joints coloured by finger, nearer points (MediaPipe z) drawn larger. options.mirror flips it. */
export function drawSign(canvas, hand, { mirror = false, background = '#fff' } = {}) {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  context.fillStyle = background;
  context.fillRect(0, 0, width, height);
  if (!hand) return;
  const points = Array.from({ length: 21 }, (_, i) => [(mirror ? -1 : 1) * hand[3 * i], hand[3 * i + 1], hand[3 * i + 2]]);
  const xs = points.map(([x]) => x), ys = points.map(([, y]) => y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = 0.8 * Math.min(width / (maxX - minX || 1), height / (maxY - minY || 1));
  const at = ([x, y]) => [width / 2 + (x - (minX + maxX) / 2) * scale, height / 2 + (y - (minY + maxY) / 2) * scale];
  const line = Math.max(2, width / 40);
  context.lineCap = 'round';
  // Far bones first, so the near ones (a thumb across the fingers) are drawn over them.
  const depth = ([a, b]) => points[a][2] + points[b][2];
  for (const [a, b] of [...BONES].sort((u, v) => depth(v) - depth(u))) {
    context.strokeStyle = PALM.has(`${a},${b}`) ? '#8a8a8a' : FINGER_COLOURS[fingerOf(b)];
    context.lineWidth = line;
    context.beginPath();
    context.moveTo(...at(points[a]));
    context.lineTo(...at(points[b]));
    context.stroke();
  }
  for (const [i, point] of points.entries()) {
    context.fillStyle = i === 0 ? '#1a1a1a' : FINGER_COLOURS[fingerOf(i)];
    context.beginPath();
    context.arc(...at(point), line * (0.9 - Math.max(-0.4, Math.min(0.4, point[2]))), 0, 2 * Math.PI);
    context.fill();
  }
}
