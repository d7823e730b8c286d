// The image classifier, in the style of @tensorflow-models/mobilenet: load() then classify().
// A model folder holds model.json + weight shards (a TF.js graph model) and metadata.json,
// which says the labels in output order and how to prepare pixels for it.
//
// Preprocessing must match training/data.py exactly: centre square crop, bilinear resize with
// half-pixel centres and no antialiasing, raw 0..255 RGB (the model scales to [-1, 1] itself).
// tests/test_parity.py compares the two on the same pixels.

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

/** Load a model folder (URL ending in '/'). Throws ModelError with a message fit for the page. */
export async function load(folderUrl) {
  const base = new URL(folderUrl, document.baseURI);
  const metadataUrl = new URL('metadata.json', base).href;
  const metadata = await fetchJson(metadataUrl, 'The model description (metadata.json)');
  checkMetadata(metadata, metadataUrl);
  let model;
  try {
    model = await tf.loadGraphModel(new URL('model.json', base).href);
  } catch (error) {
    throw new ModelError(`The model at ${base.href} could not be loaded: ${error.message}`);
  }
  const classifier = new Classifier(model, metadata);
  const blank = tf.zeros([metadata.input.size, metadata.input.size, 3]);
  const outputs = classifier.predictProbabilities(blank); // also warms up (compiles shaders)
  blank.dispose();
  if (outputs.length !== metadata.labels.length) {
    model.dispose();
    throw new ModelError(
      `The model outputs ${outputs.length} classes but metadata.json lists ${metadata.labels.length} labels`);
  }
  return classifier;
}

/** Centre square crop of any image source, resized to size×size: a float32 [1, size, size, 3] tensor. */
export function toModelInput(source, size) {
  return tf.tidy(() => {
    const pixels = source instanceof tf.Tensor ? source : tf.browser.fromPixels(source);
    const [height, width] = pixels.shape;
    const side = Math.min(height, width);
    const square = pixels.slice(
      [Math.floor((height - side) / 2), Math.floor((width - side) / 2), 0], [side, side, 3]);
    return tf.image.resizeBilinear(square.toFloat(), [size, size], false, true).expandDims(0);
  });
}

class Classifier {
  constructor(model, metadata) {
    this.model = model;
    this.metadata = metadata;
    this.labels = metadata.labels;
    this.size = metadata.input.size;
  }

  /** Probabilities for every label, in metadata order (synchronous read-back; for tests and tools). */
  predictProbabilities(source) {
    const probabilities = tf.tidy(() => this.model.predict(toModelInput(source, this.size)));
    const values = probabilities.dataSync();
    probabilities.dispose();
    return Array.from(values);
  }

  /** Top-k [{label, probability}], best first. */
  async classify(source, topk = 3) {
    const probabilities = tf.tidy(() => this.model.predict(toModelInput(source, this.size)));
    const values = await probabilities.data();
    probabilities.dispose();
    return Array.from(values, (probability, i) => ({ label: this.labels[i], probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topk);
  }

  dispose() {
    this.model.dispose();
  }
}
