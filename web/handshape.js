// What a hand's shape is, in a few measures a learner can act on, and how two hands differ: the
// practice mode's feedback ("Your thumb is across your fingers: that makes S. For A, rest it
// against the side of your index finger."). Pure functions of the 63 normalised landmark numbers
// (hands.js normalise: wrist at 0, x right, y down, z towards the camera negative), so node tests
// them on held-out signers' hands (tests/js/handshape.test.js).

const FINGERS = ['index', 'middle', 'ring', 'little'];
const BASE = { index: 5, middle: 9, ring: 13, little: 17 }; // knuckle; then 3 more points to the tip
const TIP = { thumb: 4, index: 8, middle: 12, ring: 16, little: 20 };

const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a) => Math.hypot(...a);
const unit = (a) => a.map((v) => v / (norm(a) || 1));
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

const angle = (a, b) => (Math.acos(Math.max(-1, Math.min(1, dot(unit(a), unit(b))))) * 180) / Math.PI;

function points(features) {
  return Array.from({ length: 21 }, (_, i) => [features[3 * i], features[3 * i + 1], features[3 * i + 2]]);
}

/** The mirror image (a left hand as the right hand it mirrors): training's hands are right hands. */
export function mirrored(features) {
  return Float32Array.from(features, (v, i) => (i % 3 === 0 ? -v : v));
}

/** The measures of a hand, each a number on its own scale (PARTS says what each means):
 *  index/middle/ring/little: how far the finger folds from the hand's line (degrees between knuckle-to-tip
 *    and wrist-to-knuckle: 0 straight on, ~90 bent at a right angle, ~150 curled into the palm);
 *  thumbAcross: where the thumb's tip lies across the hand (0 the little finger's knuckle, 1 the index's,
 *    above 1 beside the index finger); thumbOut: how far the thumb's tip is from the index knuckle
 *    (palm widths); thumbFront: how far in front of the fingers it is (palm widths); thumbHeight: how
 *    high it reaches up the hand (1 at the middle finger's knuckle);
 *  pinch: the thumb's tip to the nearest other fingertip (palm widths);
 *  spread: the angle between index and middle finger (degrees); crossed: 1 where they cross;
 *  pointing: the angle the hand points at in the picture (0 up, 90 sideways, 180 down);
 *  palm: how much the palm faces the camera (1 facing it, -1 facing away). */
export function measure(features) {
  const p = points(features);
  const wrist = p[0];
  const up = unit(sub(p[9], wrist)); // wrist to the middle finger's knuckle
  const acrossRaw = sub(p[5], p[17]); // little knuckle to index knuckle
  const across = unit(sub(acrossRaw, up.map((v) => v * dot(acrossRaw, up))));
  const palmWidth = norm(acrossRaw) || 1;
  const out = {};
  for (const finger of FINGERS) {
    const b = BASE[finger];
    out[finger] = angle(sub(p[b + 3], p[b]), up);
  }
  const thumb = p[TIP.thumb];
  const littleAt = dot(sub(p[17], wrist), across), indexAt = dot(sub(p[5], wrist), across);
  out.thumbAcross = (dot(sub(thumb, wrist), across) - littleAt) / ((indexAt - littleAt) || 1);
  out.thumbOut = norm(sub(thumb, p[5])) / palmWidth;
  out.thumbHeight = dot(sub(thumb, wrist), up) / (norm(sub(p[9], wrist)) || 1);
  const normal = unit(cross(up, across)); // out of the palm's plane
  const knuckles = [6, 10, 14].map((i) => p[i]); // the fingers' middle joints, where a thumb crosses them
  const middleJoints = knuckles.reduce((a, b) => a.map((v, i) => v + b[i] / 3), [0, 0, 0]);
  out.thumbFront = dot(sub(thumb, middleJoints), normal) / palmWidth;
  out.pinch = Math.min(...FINGERS.map((finger) => norm(sub(thumb, p[TIP[finger]])))) / palmWidth;
  out.spread = angle(sub(p[8], p[5]), sub(p[12], p[9]));
  const side = (a, b) => dot(sub(a, b), across);
  out.crossed = side(p[8], p[12]) * side(p[5], p[9]) < 0 ? 1 : 0;
  out.pointing = (Math.atan2(Math.abs(up[0]), -up[1]) * 180) / Math.PI;
  out.palm = normal[2];
  return out;
}

const FINGER_NAMES = { index: 'index finger', middle: 'middle finger', ring: 'ring finger', little: 'little finger' };
const straight = (m, finger) => m[finger] < 45;
// Spread and crossing mean something only where index and middle finger are straight in both hands.
const indexAndMiddleStraight = (a, b) => [a, b].every((m) => straight(m, 'index') && straight(m, 'middle'));
const bins = (edges, words) => (v) => words[edges.filter((edge) => v >= edge).length];

// Each measure: how far apart two hands must be on it to count as different (tol), when it means
// anything (applies), what a value looks like in words, and what to do to move it (more: towards a
// larger value; less: towards a smaller one).
function fingerPart(finger) {
  const name = FINGER_NAMES[finger];
  return {
    subject: `your ${name}`, tol: 20,
    word: bins([45, 115], ['straight', 'bent', 'curled into your palm']),
    to: { straight: `straighten your ${name}`, bent: `bend your ${name} halfway`,
      'curled into your palm': `curl your ${name} into your palm` },
    more: `bend your ${name} more`, less: `straighten your ${name} a little`,
  };
}
export const PARTS = {
  index: fingerPart('index'), middle: fingerPart('middle'), ring: fingerPart('ring'), little: fingerPart('little'),
  thumbAcross: {
    subject: 'your thumb', tol: 0.2,
    word: bins([0.1, 0.4, 0.75, 1.1], ['at your little finger', 'at your ring finger', 'at your middle finger',
      'at your index finger', 'beside your index finger']),
    to: { 'at your little finger': 'bring your thumb\'s tip over to your little finger',
      'at your ring finger': 'bring your thumb\'s tip to your ring finger',
      'at your middle finger': 'bring your thumb\'s tip to your middle finger',
      'at your index finger': 'bring your thumb\'s tip to your index finger',
      'beside your index finger': 'rest your thumb against the side of your index finger' },
    more: 'move your thumb towards your index finger', less: 'move your thumb towards your little finger',
  },
  thumbFront: {
    subject: 'your thumb', tol: 0.28,
    word: bins([-0.1, 0.05], ['in front of your fingers', 'level with your fingers', 'tucked under your fingers']),
    to: { 'in front of your fingers': 'bring your thumb in front of your fingers',
      'level with your fingers': 'bring your thumb level with your fingers',
      'tucked under your fingers': 'tuck your thumb under your fingers' },
    more: 'tuck your thumb further under your fingers', less: 'bring your thumb forward, over your fingers',
  },
  thumbHeight: {
    subject: 'your thumb\'s tip', tol: 0.3,
    word: bins([0.75, 1.1], ['low, by your palm', 'level with your knuckles', 'up between your fingers']),
    to: { 'low, by your palm': 'bring your thumb\'s tip down, by your palm',
      'level with your knuckles': 'bring your thumb\'s tip level with your knuckles',
      'up between your fingers': 'raise your thumb\'s tip up between your fingers' },
    more: 'raise your thumb\'s tip higher', less: 'lower your thumb\'s tip',
  },
  thumbOut: {
    subject: 'your thumb', tol: 0.36,
    word: bins([0.7, 1.2], ['against your hand', 'a little away from your hand', 'out from your hand']),
    to: { 'against your hand': 'keep your thumb against your hand',
      'a little away from your hand': 'hold your thumb a little away from your hand',
      'out from your hand': 'hold your thumb out from your hand' },
    more: 'move your thumb further out', less: 'bring your thumb in against your hand',
  },
  pinch: {
    subject: 'your thumb\'s tip', tol: 0.3,
    word: bins([0.35, 0.6], ['touching a fingertip', 'near your fingertips', 'away from your fingertips']),
    to: { 'touching a fingertip': 'touch your thumb\'s tip to your fingertips',
      'near your fingertips': 'bring your thumb\'s tip near your fingertips',
      'away from your fingertips': 'keep your thumb\'s tip away from your fingertips' },
    more: 'open the gap between your thumb and fingertips', less: 'bring your thumb\'s tip to your fingertips',
  },
  spread: {
    subject: 'your index and middle fingers', plural: true, tol: 11,
    applies: indexAndMiddleStraight,
    word: bins([12, 20], ['together', 'slightly apart', 'spread apart']),
    to: { together: 'hold your index and middle fingers together', 'slightly apart': 'open your index and middle fingers slightly',
      'spread apart': 'spread your index and middle fingers apart in a V' },
    more: 'spread your index and middle fingers further', less: 'bring your index and middle fingers together',
  },
  crossed: {
    subject: 'your index and middle fingers', plural: true, tol: 0.5,
    applies: indexAndMiddleStraight,
    word: bins([0.5], ['side by side', 'crossed']),
    to: { 'side by side': 'uncross your index and middle fingers', crossed: 'cross your middle finger over your index finger' },
    more: 'cross your middle finger over your index finger', less: 'uncross your index and middle fingers',
  },
  pointing: {
    subject: 'your hand', tol: 20, verb: 'points',
    word: bins([40, 125], ['up', 'sideways', 'down']),
    to: { up: 'point your hand up', sideways: 'point your hand sideways', down: 'point your hand down' },
    more: 'point your hand further down', less: 'point your hand further up',
  },
  palm: {
    subject: 'your palm', tol: 0.5, verb: 'faces',
    word: bins([-0.35, 0.35], ['you', 'sideways', 'the camera']),
    to: { you: 'turn your palm towards you', sideways: 'turn your palm sideways', 'the camera': 'turn your palm to the camera' },
    more: 'turn your palm towards the camera', less: 'turn your palm away from the camera',
  },
};

/** Whether measure `part` tells hands a and b (measures, with `motion`: whether the sign moves) apart. */
export function differs(part, a, b) {
  if (part === 'motion') return Boolean(a.motion) !== Boolean(b.motion);
  const { tol, applies } = PARTS[part];
  return (!applies || applies(a, b)) && Math.abs(a[part] - b[part]) > tol;
}

/** How the user's hand (63 numbers) differs from the asked sign's hand in the chart (chart.js: {sign:
 *  {hand, motion?, still?}}), the most telling first: what differs between the chart hands of the sign
 *  it was read as and of the asked sign, where the user's hand differs the same way, before what
 *  differs only from the asked sign. Returns [{part, you, target, text}] (at most `most`), text a
 *  sentence for the learner. */
export function differences(hand, target, chart, read = null, most = 2) {
  const asked = chart[target], readSign = read && read !== target ? chart[read] : null;
  // J and Z are drawn in the air; held still they are other signs (chart `still`: J held still is I).
  // Read as that still sign, or asked for it and read as the moving one, what differs is the motion.
  if (readSign && (asked.still === read || readSign.still === target)) {
    return [{ part: 'motion', you: readSign.motion ? 1 : 0, target: asked.motion ? 1 : 0,
      text: asked.motion ? `That is held still: it makes ${read}. For ${target}, move: ${asked.motion.replace(/^Move it: /, '')}`
        : `That makes ${read}, which is drawn in the air. For ${target}, hold your hand still.` }];
  }
  const you = measure(hand), goal = measure(asked.hand);
  const readMeasures = readSign ? measure(readSign.hand) : null;
  const found = [];
  for (const part of Object.keys(PARTS)) {
    const { tol, applies } = PARTS[part];
    if (applies && !applies(you, goal)) continue;
    const apart = Math.abs(you[part] - goal[part]) / tol;
    if (apart <= 1) continue;
    // Also how the sign it was read as differs here, on the same side: then this is what makes it that sign.
    const telling = readMeasures && differs(part, readMeasures, goal)
      && Math.sign(readMeasures[part] - goal[part]) === Math.sign(you[part] - goal[part]);
    found.push({ part, you: you[part], target: goal[part], score: apart + (telling ? 100 : 0), telling });
  }
  found.sort((a, b) => b.score - a.score);
  return found.slice(0, most).map(({ part, you: u, target: t, telling }, i) => ({
    part, you: u, target: t, text: sentence(part, u, t, target, i === 0 && telling ? read : null),
  }));
}

function sentence(part, you, target, sign, makes) {
  const { subject, word, to, more, less, plural, verb } = PARTS[part];
  const [mine, wanted] = [word(you), word(target)];
  const is = verb ? `${verb}${plural ? '' : ''}` : (plural ? 'are' : 'is');
  const what = mine === wanted ? `${is} ${mine}, but not as ${sign} needs` : `${is} ${mine}`;
  const todo = mine === wanted ? (target > you ? more : less) : to[wanted];
  const Subject = subject[0].toUpperCase() + subject.slice(1);
  return `${Subject} ${what}${makes ? `: that makes ${makes}` : ''}. For ${sign}, ${todo}.`;
}
