// Unit test for web/hands.js lowered(): where the sign space ends (`node --test tests/js`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { HAND_BELOW, PALM_BELOW, lowered } from '../../web/hands.js';

/** An upright open hand, 21 points, its wrist at (x, wristY), `height` tall (fractions of the frame). */
function hand(x, wristY, height) {
  const points = [[x, wristY, 0]];
  for (let finger = 0; finger < 5; finger++) {
    for (let joint = 1; joint <= 4; joint++) {
      points.push([x + (finger - 2) * 0.03, wristY - height * (0.35 + 0.65 * joint / 4) * (finger === 0 ? 0.7 : 1), 0]);
    }
  }
  return points;
}

test('a hand signing in the picture is in the sign space, however low its wrist', () => {
  assert.equal(lowered(hand(0.5, 0.6, 0.4)), false);
  assert.equal(lowered(hand(0.5, 0.99, 0.45)), false); // the wrist at the bottom edge, the palm above it
  assert.equal(lowered(hand(0.2, 0.5, 0.1)), false); // a far hand, small
});

test('a hand whose palm is in the bottom tenth, or which lies wholly in the bottom fifth, is lowered', () => {
  const palmLow = hand(0.5, 1.1, 0.4); // the palm's centre below PALM_BELOW, fingers up in the picture
  assert.equal(lowered(palmLow), true);
  const squeezed = hand(0.5, 0.98, 0.12); // half out of the picture, fitted into the strip above the edge
  assert.ok(Math.min(...squeezed.map(([, y]) => y)) > HAND_BELOW);
  assert.equal(lowered(squeezed), true);
  assert.ok(PALM_BELOW > HAND_BELOW);
});
