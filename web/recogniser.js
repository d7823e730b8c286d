// The recogniser: one decision per frame from the image model and, when a hand is found, the
// keypoint model fused with it. Mirrors training/keypoints.py's recognise():
//   hand found: keypoint probabilities × image probabilities^w, renormalised (w from metadata, chosen
//               on val): a product, so the image model's "surely not that letter" counts
//   no hand:    the image model alone if it is sure (MediaPipe misses some closed fists), else nothing.
// Signs the user taught (personal.js) multiply into the keypoint probabilities first; the letter
// model of English (language.js), given the text typed so far, multiplies into the result last.
// A model folder without keypoints/ (or landmarks turned off) uses the image model alone.

import { handSquare, load, ModelError } from './classifier.js';
import { createHandTracker, lowered, normalise } from './hands.js';
import { GAMMA, handPoint, personalProbabilities } from './personal.js';
import { rerank } from './language.js';

const tf = window.tf;
export const NOTHING = 'nothing';

const argmax = (values) => values.reduce((best, value, i) => (value > values[best] ? i : best), 0);

function ranked(probabilities, labels, topk) {
  return Array.from(probabilities, (probability, i) => ({ label: labels[i], probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, topk);
}

async function loadKeypointModel(folderUrl, metadata) {
  const url = new URL(metadata.keypoints.model, new URL(folderUrl, document.baseURI)).href;
  try {
    return await tf.loadGraphModel(url);
  } catch (error) {
    throw new ModelError(`The keypoint model (${url}) could not be loaded: ${error.message}`);
  }
}

/** training/keypoints.py fuse(): keypoints × image^weight, renormalised; in logs so small numbers survive. */
export function fuse(keypointProbabilities, imageProbabilities, weight, floor = 1e-6) {
  const logs = Array.from(keypointProbabilities, (p, i) =>
    Math.log(p + floor) + weight * Math.log(imageProbabilities[i] + floor));
  const top = Math.max(...logs);
  const scores = logs.map((value) => Math.exp(value - top));
  const total = scores.reduce((sum, value) => sum + value, 0);
  return scores.map((value) => value / total);
}

/** training/keypoints.py combine_readings(): the keypoint model's answers on a photo's readings
 *  multiplied and renormalised (their geometric mean); one reading's answer as it is. */
export function combineReadings(answers) {
  if (answers.length === 1) return Float32Array.from(answers[0]);
  const product = answers[0].map((p, i) => Math.sqrt(p * answers[1][i]));
  const total = product.reduce((sum, value) => sum + value, 0);
  return Float32Array.from(product, (value) => value / total);
}

/** Whether two squares ([left, top, side]; null: the centre square) are the same to within a
 *  little: by 2 % of the frame's shorter side at most (a far hand's square moves with its every tremor). */
export function sameSquare(a, b, width, height) {
  const [p, q] = [a ?? handSquare(null, width, height), b ?? handSquare(null, width, height)];
  const tolerance = 0.02 * Math.min(width, height);
  return p.every((value, i) => Math.abs(value - q[i]) <= tolerance);
}

/** Load a model folder. options.landmarks: use hand landmarks when the folder has a keypoint model;
 *  options.trackerInWorker: run the hand tracker in a worker where the browser can (hands.js). */
export async function loadRecogniser(folderUrl, { landmarks = true, trackerInWorker = true } = {}) {
  const image = await load(folderUrl);
  const info = image.metadata.keypoints;
  const useHands = Boolean(landmarks && info);
  const [keypoints, tracker] = useHands
    ? await Promise.all([loadKeypointModel(folderUrl, image.metadata), createHandTracker(undefined, { worker: trackerInWorker })])
    : [null, null];
  return new Recogniser(image, keypoints, tracker, info);
}

class Recogniser {
  constructor(image, keypoints, tracker, info) {
    this.image = image;
    this.keypoints = keypoints;
    this.tracker = tracker;
    this.labels = image.labels;
    this.metadata = image.metadata;
    this.weight = info?.fusion_image_weight ?? 0;
    this.floor = info?.fusion_floor ?? 1e-6;
    this.minImageConfidence = info?.no_hand_min_confidence ?? 0;
    this.usesHands = Boolean(tracker);
    this.ownSigns = null; // an OwnSigns (personal.js) once the page sets it
    this.ownPoints = null; // ownSigns' hands as points (taughtPoints()), and which version of them
    this.lastSquare = null; // the square the image model read the last video frame from (null: the centre)
    this.handLowered = false; // the last hand found in a video frame was lowered (hands.js lowered())
  }

  /** source: a canvas/video frame (live: tracking) or a photo (photo: read twice, fresh detections).
   *  prior: a factor per label (language.js prior()) that multiplies into the probabilities. */
  async recognise(source, { photo = false, topk = 3, prior = null } = {}) {
    // The top labels after the prior, and who decided: saying so where English spelling changed the
    // reading; `read`: every label's probability before the prior (the speller's word correction).
    const read = (probabilities, by) => {
      const weighed = prior ? rerank(probabilities, prior) : probabilities;
      const changed = prior && argmax(weighed) !== argmax(probabilities);
      return { top: ranked(weighed, this.labels, topk), recogniser: changed ? `${by} + English spelling` : by,
        read: Object.fromEntries(this.labels.map((label, i) => [label, probabilities[i]])) };
    };
    const width = source.videoWidth || source.width, height = source.videoHeight || source.height;
    if (!this.tracker) {
      return { ...read(await this.image.probabilities(source, null), 'image'), hand: null };
    }
    // A hand far from the camera: the image model reads the square around it (classifier.js).
    const squareOf = (found) => (found ? handSquare(found.points, width, height) : null);
    let hand, square, imageProbabilities;
    if (photo) {
      hand = await this.tracker.detectPhoto(source);
      square = squareOf(hand);
      imageProbabilities = await this.image.probabilities(source, square);
    } else {
      // A video frame: the tracker (in a worker) and the image model read it at the same time, the
      // image model from the last frame's square (a hand moves little in a frame); read again
      // where the hand's square turns out to be another.
      const { hand: tracked } = await this.tracker.send(source);
      imageProbabilities = await this.image.probabilities(source, this.lastSquare);
      hand = await tracked;
      square = squareOf(hand);
      if (!sameSquare(square, this.lastSquare, width, height)) imageProbabilities = await this.image.probabilities(source, square);
      this.lastSquare = square;
    }
    const imageLabel = this.labels[argmax(imageProbabilities)]; // what the image model alone read
    if (!photo) {
      // A hand lowered to the bottom of the picture (hands.js) types nothing, and neither does the image
      // model alone until a hand is back in the sign space: MediaPipe loses a hand going out of the
      // picture, whose fingers the image model might still read.
      if (hand) this.handLowered = lowered(hand.points);
      if (this.handLowered) return { top: [{ label: NOTHING, probability: 1 }], recogniser: 'hand lowered', hand, imageLabel, square, lowered: true };
    }
    if (!hand) {
      const sure = Math.max(...imageProbabilities);
      if (sure >= this.minImageConfidence) {
        return { ...read(imageProbabilities, 'image (no hand found)'), hand, imageLabel };
      }
      return { top: [{ label: NOTHING, probability: 1 - sure }], recogniser: 'no hand', hand, imageLabel };
    }
    // A photo is read twice (hands.js detectPhoto); a camera frame once: it has room of its own.
    const readings = (hand.readings ?? [hand.points]).filter(Boolean);
    const batch = readings.map((points) => normalise(points, width, height));
    const features = batch[0]; // the hand drawn: hand.points
    const output = tf.tidy(() => this.keypoints.predict(tf.tensor2d(batch.map((row) => Array.from(row)), [batch.length, 63])));
    let keypointProbabilities = combineReadings(await output.array());
    output.dispose();
    const own = this.ownSigns && !this.ownSigns.empty;
    if (own) {
      const personal = personalProbabilities(handPoint(features, keypointProbabilities), await this.taughtPoints(), this.labels);
      keypointProbabilities = fuse(keypointProbabilities, personal, GAMMA);
    }
    const fused = fuse(keypointProbabilities, imageProbabilities, this.weight, this.floor);
    const keypointLabel = ranked(keypointProbabilities, this.labels, 1)[0].label;
    return {
      ...read(fused, own ? 'hand shape (and your signs) + image' : 'hand shape + image'),
      hand, features, keypointLabel, imageLabel, square,
    };
  }

  /** The user's taught hands as personal.js compares them ({ sign: [hand points] }): each with the
   *  keypoint model's answer on it, worked out again only when the taught hands change. */
  async taughtPoints() {
    const signs = this.ownSigns;
    if (this.ownPoints?.signs !== signs || this.ownPoints.version !== signs.version) {
      const entries = Object.entries(signs.hands());
      const hands = entries.flatMap(([, ofSign]) => ofSign);
      const output = tf.tidy(() => this.keypoints.predict(tf.tensor2d(hands, [hands.length, 63])));
      const answers = await output.array();
      output.dispose();
      let next = 0;
      const points = Object.fromEntries(entries.map(([sign, ofSign]) => [sign, ofSign.map((hand) => handPoint(hand, answers[next++]))]));
      this.ownPoints = { signs, version: signs.version, points };
    }
    return this.ownPoints.points;
  }
}
