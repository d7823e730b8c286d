// A letter model of English for the speller: after "Q" a U is likely, after "TH" an E. Where the
// recogniser is torn between letters, its probabilities × this model's let the likelier spelling win;
// mixed half-and-half with "every letter alike", it never overrules a sure reading.
// Mirrors training/language.py (which builds language/en.json and measures it); tests/test_language.py
// compares the two.

const START = '_';

/** The last two letters of the word being spelled, '_'-padded: 'HI L' -> '_L', '' -> '__'. */
export function context(text, alphabet) {
  let word = '';
  for (const char of [...text.toUpperCase()].reverse()) {
    if (!alphabet.includes(char)) break;
    word = char + word;
  }
  return (START + START + word).slice(-2);
}

/** P(letter | the text before it), mixed with uniform; null for a label that is not a letter. */
export function letterProbability(table, text, letter) {
  const { alphabet, next, uniform_share: uniform } = table;
  const i = letter.length === 1 ? alphabet.indexOf(letter) : -1;
  if (i < 0) return null;
  const row = next[context(text, alphabet)];
  const total = row.reduce((sum, value) => sum + value, 0);
  return (1 - uniform) * (row[i] / total) + uniform / alphabet.length;
}

/** A factor per label: (26 × letter probability)^weight for A–Z, 1 for the rest. */
export function prior(table, text, labels) {
  const n = table.alphabet.length;
  return labels.map((label) => {
    const p = letterProbability(table, text, label);
    return p === null ? 1 : (n * p) ** table.weight;
  });
}

/** probabilities × factor, renormalised. */
export function rerank(probabilities, factor) {
  const weighted = Array.from(probabilities, (p, i) => p * factor[i]);
  const total = weighted.reduce((sum, value) => sum + value, 0);
  return weighted.map((value) => value / total);
}

/** language/en.json, or null (with a console note) where it is missing: the page then spells without it. */
export async function loadLanguage(url = 'language/en.json') {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    console.warn(`No letter model of English (${url}: ${error.message}); spelling without it.`);
    return null;
  }
}
