// BorderPass service worker: keeps the app shell on the phone so the app opens offline.
//
// - The shell (HTML, JS, WebAssembly, CSS, icons, manifest) is precached under a cache named
//   after the build's version; the build fills in VERSION and SHELL.
// - Old versions' caches are deleted on activate.
// - Only same-origin GET requests are handled. API calls (/api/) always go to the network and
//   are never cached here: the app keeps its own data in IndexedDB, and writes are never cached.
// - A new version waits until the user agrees ("update available"), then takes over.

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE_PREFIX = "borderpass-shell-";
const CACHE = CACHE_PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload` skips the HTTP cache so the precache holds exactly this version's files.
      cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    // Every page of the app is the same shell; the router inside picks the screen.
    event.respondWith(
      caches.match("/", { cacheName: CACHE }).then((cached) => cached || fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((cached) => cached || fetch(request))
  );
});
