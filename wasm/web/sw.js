// Service worker: keeps the verifier working offline. On install it caches every file of the
// page: index.html, its script modules, the wasm and the trust files (the list and the version
// are filled in by scripts/build-wasm.sh from wasm/dist); afterwards it answers from the cache
// first, so no request leaves the device once the page has been opened.
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const CACHE = `elicense-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('elicense-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    // The license text is in the fragment, which never reaches here; ignore any query string.
    caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)),
  );
});
