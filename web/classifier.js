// The image classifier, in the style of @tensorflow-models/mobilenet: load() then classify().
// A model folder holds model.json + weight shards (a TF.js graph model) and metadata.json,
// which says the labels in output order and how to prepare pixels for it.
//
// Preprocessing must match training/data.py exactly: centre square crop (or a small hand's square:
// handSquare), bilinear resize with half-pixel centres and no antialiasing, raw 0..255 RGB (the model
// scales to [-1, 1] itself). tests/test_training_smoke.py compares the two on the same pixels.

const tf = window.tf;

export class ModelError extends Error {}

async function fetchJson(url, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelError(`Could not reach ${what} (${url}): ${error.message}`);
  }
  if (!response.ok) throw new ModelError(`${what} is missing (${url}: HTTP ${response.status})`);
  try {
    return await response.json();
  } catch {
    throw new ModelError(`${what} is not valid JSON (${url})`);
  }
}

function checkMetadata(metadata, url) {
  const labels = metadata.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) {
    throw new ModelError(`metadata.json at ${url} has no list of labels`);
  }
  if (!Number.isInteger(metadata.input?.size) || metadata.input.size < 32) {
    throw new ModelError(`metadata.json at ${url} has no input size`);
  }
}

const BYTES_PER_VALUE = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1, bool: 1 };

/** The weight shards a model.json lists, each checked to be there and of the size its weights need. */
async function fetchWeights(manifest, base) {
  const specs = manifest.flatMap((group) => group.weights);
  const shards = await Promise.all(manifest.flatMap((group) => group.paths).map(async (path) => {
    const url = new URL(path, base).href;
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new ModelError(`Could not reach the weight file ${url}: ${error.message}`);
    }
    if (!response.ok) throw new ModelError(`The weight file ${path} is missing (${url}: HTTP ${response.status})`);
    return { path, bytes: await response.arrayBuffer() };
  }));
  const expected = specs.reduce((sum, spec) => sum + spec.shape.reduce((n, side) => n * side, 1) *
    (BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype] ?? NaN), 0); // NaN: strings, no fixed size
  const got = shards.reduce((sum, shard) => sum + shard.bytes.byteLength, 0);
  if (!Number.isNaN(expected) && got !== expected) {
    throw new ModelError(`The weight files (${shards.map((shard) => shard.path).join(', ')}) hold ${got} bytes ` +
      `but model.json needs ${expected}: a file is truncated or from another model`);
  }
  return [specs, shards.map((shard) => shard.bytes)];
}

/** Load a model folder (URL ending in '/'). Throws ModelError with a message fit for the page. */
export async function load(folderUrl) {
  const base = new URL(folderUrl, document.baseURI);
  const metadataUrl = new URL('metadata.json', base).href;
  const metadata = await fetchJson(metadataUrl, 'The model description (metadata.json)');
  checkMetadata(metadata, metadataUrl);
  const modelUrl = new URL('model.json', base).href;
  const modelJson = await fetchJson(modelUrl, 'The model graph (model.json)');
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new ModelError(`${modelUrl} is not a TF.js graph model (no modelTopology or weightsManifest)`);
  }
  let model;
  try {
    // Our own loader for the weights: TF.js would read a missing shard's 404 page as weights and
    // say only "byte length of Uint16Array should be a multiple of 2".
    model = await tf.loadGraphModel({ load: () => tf.io.getModelArtifactsForJSON(modelJson, (manifest) => fetchWeights(manifest, base)) });
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError(`The model at ${base.href} could not be loaded: ${error.message}`);
  }
  const classifier = new Classifier(model, metadata);
  const blank = tf.zeros([metadata.input.size, metadata.input.size, 3]);
  const outputs = await classifier.probabilities(blank); // also warms up (compiles shaders)
  blank.dispose();
  if (outputs.length !== metadata.labels.length) {
    model.dispose();
    throw new ModelError(
      `The model outputs ${outputs.length} classes but metadata.json lists ${metadata.labels.length} labels`);
  }
  return classifier;
}

// The image model learnt hands that fill half of the picture or more; a hand found that fills less of
// the centre square (the camera further away) is read from the square around it: training/data.py.
export const HAND_SHARE = 0.5;

/** [left, top, side] in pixels of the square the image model reads (training/data.py hand_square):
 *  the centre square, or where a hand (21 × [x, y, z] in 0..1; null: none) fills less than HAND_SHARE
 *  of it, the square around the hand's box in which it does, moved inside the image. */
export function handSquare(points, width, height) {
  const side = Math.min(width, height);
  const centre = [Math.floor((width - side) / 2), Math.floor((height - side) / 2), side];
  if (!points) return centre;
  const xs = points.map(([x]) => x * width), ys = points.map(([, y]) => y * height);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const zoomed = Math.floor(Math.max(x1 - x0, y1 - y0) / HAND_SHARE + 0.5);
  if (zoomed >= side || zoomed < 1) return centre;
  const clamp = (value, most) => Math.min(Math.max(value, 0), most);
  return [clamp(Math.floor((x0 + x1 - zoomed) / 2 + 0.5), width - zoomed),
    clamp(Math.floor((y0 + y1 - zoomed) / 2 + 0.5), height - zoomed), zoomed];
}

/** A square [left, top, side] (default: the centre square) of any image source, resized to
 *  size×size: a float32 [1, size, size, 3] tensor. */
export function toModelInput(source, size, square = null) {
  return tf.tidy(() => {
    const pixels = source instanceof tf.Tensor ? squareOfTensor(source, square)
      : source instanceof ImageData ? squareOfTensor(tf.browser.fromPixels(source), square) // no drawImage for these
        : squarePixels(source, square);
    return tf.image.resizeBilinear(pixels.toFloat(), [size, size], false, true).expandDims(0);
  });
}

function squareOfTensor(pixels, square) {
  const [height, width] = pixels.shape;
  const [left, top, side] = square ?? handSquare(null, width, height);
  return pixels.slice([top, left, 0], [side, side, 3]);
}

// The crop is done by the canvas, not by tf.slice: a 1:1 drawImage copies pixels exactly, and on
// the wasm backend slicing a 640×480 frame took longer than the model itself (3.6× faster this
// way, same numbers; see `make bench`).
let scratch = null;
function squarePixels(source, square) {
  const width = source.videoWidth || source.naturalWidth || source.width;
  const height = source.videoHeight || source.naturalHeight || source.height;
  const [left, top, side] = square ?? handSquare(null, width, height);
  scratch ??= document.createElement('canvas');
  if (scratch.width !== side || scratch.height !== side) {
    scratch.width = side;
    scratch.height = side;
  }
  const context = scratch.getContext('2d', { willReadFrequently: true });
  context.globalCompositeOperation = 'copy'; // transparent pixels replace the last frame, never blend with it
  context.drawImage(source, left, top, side, side, 0, 0, side, side);
  return tf.browser.fromPixels(scratch);
}

class Classifier {
  constructor(model, metadata) {
    this.model = model;
    this.metadata = metadata;
    this.labels = metadata.labels;
    this.size = metadata.input.size;
  }

  /** Probabilities for every label, in metadata order. The read-back is asynchronous, so on a GPU the
   * page stays responsive while the model runs (the live loop uses this). */
  async probabilities(source, square = null) {
    const probabilities = tf.tidy(() => this.model.predict(toModelInput(source, this.size, square)));
    const values = await probabilities.data();
    probabilities.dispose();
    return Array.from(values);
  }

  /** Top-k [{label, probability}], best first. */
  async classify(source, topk = 3) {
    const values = await this.probabilities(source);
    return values.map((probability, i) => ({ label: this.labels[i], probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topk);
  }

  dispose() {
    this.model.dispose();
  }
}
