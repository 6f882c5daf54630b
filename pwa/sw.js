// SortPatrol's service worker (served at /serviceworker.js by inspections/app_views.py, which fills in the
// version: a hash of every precached file, so any change to the shell installs a new worker).
// It answers only same-origin GETs for the app shell; /api/ and /admin/ always go to the network, so an
// upload is never answered from a cache. A new version waits until the user chooses "update".
// Browsers without module workers get the classic variant (?classic=1), where this line is replaced and
// Background Sync wakes an open page instead.
import { syncOutbox } from "/static/app/js/sync.js";

const VERSION = "__SHELL_VERSION__";
const SHELL = ["__SHELL_FILES__"];
const CACHE = `sortpatrol-shell-${VERSION}`;
const PREFIX = "sortpatrol-shell-";
const NEVER = ["/api/", "/admin/"];
// Pages of the app itself; other server pages (/public/, /staff/) are not ours to answer.
const APP_PAGES = [/^\/$/, /^\/q\/[^/]+$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
  // Lets the page (and the tests) tell which version is in control.
  if (event.data?.type === "version") event.ports[0]?.postMessage(VERSION);
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate" && APP_PAGES.some((page) => page.test(url.pathname))) {
    event.respondWith(caches.match("/", { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  if (syncOutbox) {
    event.waitUntil(syncOutbox());
    return;
  }
  event.waitUntil(self.clients.matchAll().then((pages) => pages.forEach((page) => page.postMessage({ type: "sync" }))));
});
