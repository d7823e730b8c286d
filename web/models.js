// Which models the page offers (Letters / Numbers), which of them are installed, and which one
// to start with. Each model is a folder under model/ and is loaded only when first chosen.

export const MODES = Object.freeze([
  { name: 'letters', title: 'Letters' },
  { name: 'digits', title: 'Numbers' },
]);

export const DEFAULT_MODEL = 'letters'; // fingerspelling: what most people come for

const VALID_NAME = /^[\w-]+$/; // a folder name, never a path or a URL

/** The model to open: ?model= wins (any folder name, e.g. a test model), then the remembered choice. */
export function initialModel(params, remembered) {
  const asked = params.get('model');
  if (asked !== null && VALID_NAME.test(asked)) return asked;
  if (remembered && MODES.some((mode) => mode.name === remembered)) return remembered;
  return DEFAULT_MODEL;
}

/** Resolves to {name: true|false}: whether model/NAME/metadata.json is there (a model still being trained is not). */
export async function installedModels() {
  const found = await Promise.all(MODES.map(async ({ name }) => {
    try {
      const response = await fetch(new URL(`model/${name}/metadata.json`, document.baseURI));
      return [name, response.ok];
    } catch {
      return [name, false];
    }
  }));
  return Object.fromEntries(found);
}
