// Registers the service worker (sw.js) that keeps the application shell for offline use.
// Without one (an old browser, or a page not served over HTTPS or from localhost) the
// pages work as before, online only.

export function keepShellForOffline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("no offline copy of the application:", e.message));
}
