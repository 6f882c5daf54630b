// The service worker from the page's side: register it, notice a new version waiting, and switch to it only
// when the user asks and no inspection is open (SYNC.md, PWA rule 6).

let waiting = null;
let switching = false;

/** Registers /serviceworker.js; calls onReady(true) whenever a new version is installed and waiting. */
export async function registerWorker(onReady) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return null;
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/serviceworker.js", { scope: "/", type: "module", updateViaCache: "none" });
  } catch {
    // No module workers in this browser: the classic variant, whose Background Sync wakes this page.
    registration = await navigator.serviceWorker.register("/serviceworker.js?classic=1", { scope: "/", updateViaCache: "none" });
  }
  const watch = (worker) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) {
        waiting = worker;
        onReady(true);
      }
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) {
    waiting = registration.waiting;
    onReady(true);
  }
  if (registration.installing) watch(registration.installing);
  registration.addEventListener("updatefound", () => watch(registration.installing));
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only the tab that asked reloads; other tabs keep running the code they loaded, drafts included.
    if (switching) window.location.reload();
  });
  return registration;
}

export function updateWaiting() {
  return waiting;
}

/** Activates the waiting version and reloads. Refuses (returns false) while an inspection is open. */
export function applyUpdate(inspectionOpen) {
  if (!waiting || inspectionOpen) return false;
  switching = true;
  waiting.postMessage({ type: "skip-waiting" });
  return true;
}

/** Asks the worker to sync in the background when the browser has Background Sync. */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch {
    // Not supported or not allowed: the page's own triggers cover it.
  }
}

/** Checks the server for a new worker now (also done by the browser on navigation). */
export async function checkForUpdate() {
  const registration = await navigator.serviceWorker?.getRegistration("/");
  await registration?.update().catch(() => {});
}
