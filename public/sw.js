// BorderPass service worker: keeps the app shell on the phone so the app opens offline.
//
// - The shell (HTML, JS, WebAssembly, CSS, icons, manifest) is precached under a cache named
//   after the build's version; the build fills in VERSION and SHELL.
// - Old versions' caches are deleted on activate.
// - Only same-origin GET requests are handled. API calls (/api/) always go to the network and
//   are never cached here: the app keeps its own data in IndexedDB, and writes are never cached.
// - A new version waits until the user agrees ("update available"), then takes over.
// - The verifier (/verifier/*) is not part of the shell: drivers never download it. It is
//   cached in the same versioned cache when a screen that reads passes first loads it (the
//   officer's pass check, the yard operator's check-in), and a new version precaches it again
//   only if the previous version's cache had it, so officers and yard operators stay able to
//   check passes offline across updates.
// - A tap on a "your turn" notification brings the app's window forward (or opens the page).

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const VERIFIER = __VERIFIER__;
const VERIFIER_PATH = "/verifier/";
const CACHE_PREFIX = "borderpass-shell-";
const CACHE = CACHE_PREFIX + VERSION;

const fresh = (url) => new Request(url, { cache: "reload" });

/// Whether an older version's cache holds the verifier (an officer's or yard operator's phone).
async function hadVerifier() {
  const names = (await caches.keys()).filter(
    (name) => name.startsWith(CACHE_PREFIX) && name !== CACHE
  );
  for (const name of names) {
    const cache = await caches.open(name);
    const keys = await cache.keys();
    if (keys.some((request) => new URL(request.url).pathname.startsWith(VERIFIER_PATH))) {
      return true;
    }
  }
  return false;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload` skips the HTTP cache so the precache holds exactly this version's files.
      await cache.addAll(SHELL.map(fresh));
      if (await hadVerifier()) await cache.addAll(VERIFIER.map(fresh));
    })()
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

// Background Sync (where the browser has it): the network is back, so ask every open page of
// the app to send its outbox. The pages hold the session and the queue; the worker only wakes
// them. With no page open, the app sends the queue the next time it starts.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window" })
      .then((clients) => clients.forEach((client) => client.postMessage("DRAIN_OUTBOX")))
  );
});

// The yard called a driver (see the app's alert.rs): show the queue screen the notice is about.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).pathname === url.pathname) ?? windows[0];
      try {
        if (!open) return void (await self.clients.openWindow(url.href));
        await open.focus();
        if (new URL(open.url).pathname !== url.pathname) await open.navigate(url.href);
      } catch (e) {
        // Focus and navigation need the user's tap and a controlled page; without them the
        // notification just closes.
      }
    })()
  );
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
  if (url.pathname.startsWith(VERIFIER_PATH)) {
    event.respondWith(verifierFile(request));
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((cached) => cached || fetch(request))
  );
});

/// The verifier's files: from this version's cache, else from the network, kept for offline.
async function verifierFile(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && VERIFIER.includes(new URL(request.url).pathname)) {
    await cache.put(new URL(request.url).pathname, response.clone());
  }
  return response;
}
