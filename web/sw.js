// Service worker: makes the built site (`make site`) work with no network after one visit.
//
// `make site` replaces the BUILD line below with {version: a hash of the site's files, files: [...]}.
// The built site then installs every file into a cache named after that hash and serves them
// cache-first; any change to any file gives a new hash, so a new worker, a new cache, and the old
// cache deleted. Served straight from web/ (`make serve`), BUILD is null and the worker leaves
// every request to the network, so an edited file always shows on reload.

const BUILD = null; // replaced by `make site`
const CACHE = BUILD ? `signcam-${BUILD.version}` : null;

self.addEventListener('install', (event) => {
  // './' is the page itself as a folder URL (what a visitor usually opens).
  if (BUILD) event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['./', ...BUILD.files])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('signcam-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim(); // control the page that installed us, so it works offline at once
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (!BUILD || request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    // The page's ?model=… options do not change the file; everything else is matched exactly.
    const cached = await caches.match(request, { ignoreSearch: request.mode === 'navigate', cacheName: CACHE });
    return cached ?? fetch(request);
  })());
});
