// This browser's memory (localStorage): settings, taught signs and practice progress, JSON under a key
// each. Some private modes throw on any use of it, and an entry may be edited by hand or come from
// another version: reading then gives {} (callers check every value they take), and writing does
// nothing (remembered for this visit only). `storage` stands in for localStorage in node's tests.

/** The object stored under `key`, or {} where there is none, it is not an object, or storage is blocked. */
export function readStored(key, storage = null) {
  try {
    const stored = JSON.parse((storage ?? window.localStorage).getItem(key));
    return stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {};
  } catch {
    return {};
  }
}

/** Store `value` under `key`; where storage is full or blocked, nothing (and no error). */
export function writeStored(key, value, storage = null) {
  try {
    (storage ?? window.localStorage).setItem(key, JSON.stringify(value));
  } catch {
    // not remembered, but everything still works for this visit
  }
}
