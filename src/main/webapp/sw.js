// The service worker: keeps the application shell (the pages, the stylesheet, every module
// the pages import and the WebJars of d.html's import map) so that a document opened
// before opens, and can be edited, with no connection. Documents themselves are not its
// business: the page keeps their text (local-copy.js) and the WebSocket carries edits.
//
// Pages, modules and the stylesheet: network first, so that a new deployment is seen at
// once, and the kept copy when the network fails. WebJars have their version in their
// address: the kept copy first. Nothing else (the HTTP API, WebSockets) is touched.

const SHELL = "concord-shell-v1";
const ENTRY_PAGES = ["/", "/d.html", "/404.html"];
const PAGE_ROUTES = [[/^\/d\/[A-Za-z0-9_-]{1,64}\/?$/, "/d.html"], [/^\/(?:index\.html)?$/, "/"]];

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/webjars/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  const page = request.mode === "navigate" ? PAGE_ROUTES.find(([pattern]) => pattern.test(url.pathname)) : null;
  if (page) {
    event.respondWith(networkFirst(request, page[1]));
  } else if (/^\/(?:js|css)\/|^\/favicon\.svg$|^\/404\.html$/.test(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});

/** The answer from the network, kept under key; the kept one when the network fails. */
async function networkFirst(request, key) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (failure) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw failure;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** Keeps every entry page and what it loads: scripts, the stylesheet, the import map's modules, and their imports. */
async function precache() {
  const cache = await caches.open(SHELL);
  const seen = new Set();
  const queue = [...ENTRY_PAGES];
  while (queue.length > 0) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await fetch(path, { cache: "no-cache" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    await cache.put(path, response.clone());
    if (path.endsWith(".html") || path === "/") queue.push(...loadedBy(await response.text()));
    else if (path.startsWith("/js/")) queue.push(...importedBy(await response.text(), path));
  }
}

/** The same-origin addresses an HTML page loads: src and stylesheet/icon href attributes, and its import map. */
function loadedBy(html) {
  const paths = [...html.matchAll(/\s(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1])
    .filter((p) => /\.(?:m?js|css|svg)$/.test(p));
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (map) paths.push(...Object.values(JSON.parse(map[1]).imports));
  return paths;
}

/** The relative imports of a module at path, as absolute paths (bare names come from the import map). */
function importedBy(source, path) {
  return [...source.matchAll(/(?:^|[\s;])(?:import|export)\s[^"';]*?["'](\.{1,2}\/[^"']+)["']/gm)]
    .map((m) => new URL(m[1], new URL(path, self.location.origin)).pathname);
}
