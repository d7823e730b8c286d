// Word completion: as letters are typed, the three likeliest words that start with them (language/
// words.json: wordfreq's most frequent English words, most frequent first; `make language` builds
// it), picked with one tap or Enter, so a long word needs only its first letters signed. The words
// the user kept from correction (their names, their codes: speller.js `kept`) are offered first, and
// names (language/names.json) where too few words start with the letters.

export const SHOWN = 3;

/** language/words.json's words (or names.json's names: key 'names'), or null where it is missing
 *  (the page then offers none). */
export async function loadWords(url = 'language/words.json', key = 'words') {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json())[key];
  } catch (error) {
    console.warn(`No word list for completion (${url}: ${error.message}).`);
    return null;
  }
}

/** The word being spelled: the letters at the end of the text ('' after a space). */
export function partialWord(text) {
  return /[A-Z]*$/.exec(text.toUpperCase())[0];
}

/** The n likeliest words that start with the word being spelled and are longer than it: the
 *  user's kept words first (most recently kept first), then the word list's, then the names'. */
export function complete(words, text, n = SHOWN, kept = [], names = []) {
  const start = partialWord(text);
  if (!start || !words) return [];
  const found = [];
  for (const list of [[...kept].reverse(), words, names ?? []]) {
    for (const word of list) {
      if (word.length > start.length && word.startsWith(start) && !found.includes(word)) found.push(word);
      if (found.length === n) return found;
    }
  }
  return found;
}

/** How many of a word's letters must be signed before complete() offers it (its length if never). */
export function lettersToSign(words, word, n = SHOWN, names = []) {
  for (let k = 1; k < word.length; k++) if (complete(words, word.slice(0, k), n, [], names).includes(word)) return k;
  return word.length;
}

/** The buttons under the text: ui {list}, speller, onPick() after one is picked; setWords(words,
 *  names) gives the lists (words null: none offered). */
export function bindCompletions({ list }, speller, onPick) {
  let words = null, names = null;
  let shown = '';
  function refresh() {
    const offered = complete(words, speller.text, SHOWN, speller.kept, names);
    if (offered.join() === shown) return;
    shown = offered.join();
    list.replaceChildren(...offered.map((word, i) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = word; // text, never HTML
      button.dataset.testid = `completion-${i}`;
      button.setAttribute('aria-label', `Type ${word}`);
      button.addEventListener('click', () => {
        speller.completeWord(word);
        onPick(word);
      });
      return button;
    }));
  }
  return { refresh, setWords(wordList, nameList = null) { [words, names] = [wordList, nameList]; shown = null; refresh(); } };
}
