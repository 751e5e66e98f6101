// Service worker: keeps the verifier working offline. On install it caches every file of the
// first load: index.html, its script modules, the verifier's wasm and the trust files (the lists
// and the version are filled in by scripts/build-wasm.sh from wasm/dist); afterwards it answers
// from the cache first, so no request leaves the device once the page has been opened. The
// holder's side (HOLDER: holder.js and the holder's wasm module, 出示我的证照, which the page itself
// loads only when that mode opens) is fetched on install too, so that the holder can show a
// license offline; the service worker installs after the page is ready, so it is not part of the
// first load. The QR decoder module (LAZY) is not fetched on install: the page loads it only for
// a photo or the camera without a native BarcodeDetector, and it is cached then, for the offline
// visits after.
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const HOLDER = __HOLDER__;
const LAZY = __LAZY__;
const CACHE = `elicense-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([...ASSETS, ...HOLDER])).then(() => self.skipWaiting()),
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
    caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request).then((response) => {
      const name = new URL(request.url).pathname.split('/').pop();
      if (response.ok && (LAZY.includes(name) || HOLDER.includes(name))) {
        const copy = response.clone();
        // Keyed without the query (a restarted instance asks for `?instance=N`).
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(new URL(request.url).pathname, copy)));
      }
      return response;
    })),
  );
});
