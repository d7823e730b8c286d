// How often the practice feedback names a real difference: for hands of sign X asked as sign Y (the
// pairs learners confuse), the share whose feedback names a measure on which X's and Y's reference
// hands in the chart really differ (web/handshape.js differs), not what the text says.
//
//   node studies/feedback_rate.mjs CHART.json HANDS.json   -> {"overall": ..., "pairs": {...}, "n": ...}
//
// CHART.json: a signs.json (training/chart.py). HANDS.json: {"hands": {sign: [{hand: 63 numbers, read: what the recogniser read, or null}]}}.
// Used by tests/js/handshape.test.js (held-out signer S2) and studies/chart_choice.py.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

import { differences, differs, measure } from '../web/handshape.js';

// training/chart.py CONFUSED: the pairs the practise issue names.
export const PAIRS = ['AS', 'AT', 'AM', 'AN', 'AE', 'ST', 'SM', 'SN', 'SE', 'TM', 'TN', 'TE', 'MN', 'ME', 'NE',
  'UV', 'UR', 'VR', 'GH', 'CO', 'KV', 'IJ', 'DZ'];

/** chart: {sign: {hand}}; hands: {sign: [{hand, read}]}. Returns {overall, n, pairs: {"X as Y": [rate, n]}}. */
export function feedbackRate(chart, hands, pairs = PAIRS) {
  const rates = {};
  for (const [a, b] of pairs) {
    for (const [x, y] of [[a, b], [b, a]]) {
      if (!hands[x]?.length) continue;
      const [refX, refY] = [x, y].map((sign) => ({ ...measure(chart[sign].hand), motion: chart[sign].motion }));
      const real = hands[x].filter(({ hand, read }) => differences(hand, y, chart, read)
        .some(({ part }) => differs(part, refX, refY)));
      rates[`${x} as ${y}`] = [real.length / hands[x].length, hands[x].length];
    }
  }
  const n = Object.values(rates).reduce((sum, [, count]) => sum + count, 0);
  const overall = Object.values(rates).reduce((sum, [rate, count]) => sum + rate * count, 0) / n;
  return { overall, n, pairs: rates };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [chartFile, handsFile] = process.argv.slice(2);
  const chart = Object.fromEntries(JSON.parse(fs.readFileSync(chartFile)).signs.map((sign) => [sign.label, sign]));
  console.log(JSON.stringify(feedbackRate(chart, JSON.parse(fs.readFileSync(handsFile)).hands)));
}
