// Registers the service worker (sw.js), which lets the built site work offline after one visit.
// It is skipped where the browser has none or the page is not a secure context (plain http on a LAN address).

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return Promise.resolve(null);
  // Relative URL: the worker's scope is the folder of the page, e.g. /signcam/ on GitHub Pages.
  return navigator.serviceWorker.register('sw.js').catch((error) => {
    console.warn(`Offline use is not available: ${error.message}`);
    return null;
  });
}
