// The app's entry: session, routing between screens, sync triggers and the always-visible outbox badge.
import { getSession, isReachable, onReachability, saveRequestLanguage } from "./api.js";
import { allBy } from "./db.js";
import { h } from "./dom.js";
import { getLang, initLang, setLang, t } from "./i18n.js";
import { renderNotices } from "./notices.js";
import { unsent } from "./outbox.js";
import { loadPack, placeByQr, refreshPack } from "./pack.js";
import { CHANNEL, syncOutbox } from "./sync.js";
import { networkBanner, syncReport, uploadedCount } from "./syncstatus.js";
import { applyUpdate, checkForUpdate, registerWorker, updateWaiting } from "./worker.js";
import { caseRole, showCase, showCases } from "./views/cases.js";
import { showHistory } from "./views/history.js";
import { shouldWarnInApp, showInAppWarning } from "./views/inapp.js";
import { showInspection } from "./views/inspection.js";
import { showLogin } from "./views/login.js";
import { setUpMenu } from "./views/menu.js";
import { showOutbox } from "./views/outbox.js";
import { showPlaces } from "./views/places.js";
import { showStart } from "./views/start.js";

const SYNC_INTERVAL_MS = 15_000;
const SYNC_STATUS_MS = 15_000;

/** What every screen shares. One object, handed to the views; no globals. */
const app = {
  session: null,
  pack: null,
  inspectionOpen: null, // uuid of the draft on screen: blocks updates (SYNC.md, PWA rule 6)
  leaveInspection: null, // releases the draft's lock when the screen changes
  pendingQr: null,
  go(hash) {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  },
  refreshBadge,
  syncSoon,
  reloadSession,
  showSyncStatus,
};
let menu = null;

async function reloadSession() {
  app.session = await getSession();
  app.pack = app.session && !app.session.loggedOut ? await loadPack(app.session.username) : null;
  return app.session;
}

async function refreshBadge() {
  const badge = document.getElementById("queue-badge");
  if (!app.session || app.session.loggedOut) {
    badge.hidden = true;
    return;
  }
  const count = unsent(await allBy("records", "owner", app.session.username)).length;
  badge.hidden = false;
  badge.textContent = `⇅ ${t("unsynced", { n: count })}`;
  badge.dataset.count = String(count);
  badge.classList.toggle("has-unsent", count > 0);
  badge.classList.toggle("offline", !navigator.onLine);
  const tab = document.querySelector("#tabs [data-tab=outbox] .count");
  if (tab) tab.textContent = count ? ` (${count})` : "";
}

/** The offline banner under the header: offline, server unreachable, or records waiting for an online login. */
function paintBanner() {
  const banner = document.getElementById("net-banner");
  const state = networkBanner({ online: navigator.onLine, reachable: isReachable(), session: app.session });
  banner.hidden = !state;
  if (!state) return banner.replaceChildren();
  banner.dataset.state = state.key;
  const action = state.action === "relogin" ? h("button", { type: "button", class: "ghost small", id: "banner-relogin" }, t("reloginNow")) : null;
  action?.addEventListener("click", () => app.go("#/login"));
  banner.replaceChildren(...[h("span", {}, t(state.key)), action].filter(Boolean));
}

let statusTimer = null;
/** A short line after a sync ("已上传 3 条", or why nothing went); it fades after a while. */
function showSyncStatus(report) {
  const line = document.getElementById("sync-status");
  clearTimeout(statusTimer);
  line.hidden = !report;
  line.textContent = report ? t(report.key, report.vars) : "";
  if (report) {
    line.dataset.key = report.key;
    statusTimer = setTimeout(() => { line.hidden = true; }, SYNC_STATUS_MS);
  }
}

let syncing = null;
/**
 * Runs one sync pass (or joins the running one). Resolves to {result, uploaded, left}; announces what the server
 * took, and when asked for (`force`, the "upload now" button) also why nothing went.
 */
async function syncSoon(force = false) {
  if (syncing) return syncing;
  syncing = (async () => {
    const username = app.session?.username;
    const before = username ? unsent(await allBy("records", "owner", username)) : [];
    let result = null;
    try {
      result = await syncOutbox({ force });
      if (result === "login") {
        await reloadSession();
        route();
      }
    } finally {
      syncing = null;
      await refreshBadge();
      paintBanner();
    }
    const after = username ? await allBy("records", "owner", username) : [];
    const outcome = { result, uploaded: uploadedCount(before, after), left: unsent(after).length };
    if (outcome.uploaded || force) {
      showSyncStatus(syncReport({ ...outcome, online: navigator.onLine, session: app.session }));
    }
    return outcome;
  })();
  return syncing;
}

function renderTabs() {
  const tabs = document.getElementById("tabs");
  const loggedIn = app.session && !app.session.expired;
  tabs.hidden = !loggedIn;
  if (!loggedIn) return;
  const current = window.location.hash.split("/")[1] || "places";
  const tab = (name, label, extra) => h("a", { href: `#/${name}`, "data-tab": name, "aria-current": current === name ? "page" : null }, label, extra);
  // 整改 for a responsible party, 待复查 for inspectors (rectification cases, views/cases.js).
  const cases = tab("cases", t(caseRole(app.pack?.data) === "case_answer" ? "casesTab" : "rechecksTab"));
  tabs.replaceChildren(tab("places", t("places")), cases, tab("outbox", t("outbox"), h("span", { class: "count" })), tab("history", t("history")));
}

function updateOffer() {
  if (!updateWaiting()) return [];
  const button = h("button", { type: "button", id: "update-button", class: "primary" }, t("update"));
  const reason = h("span", { class: "muted", id: "update-reason" });
  button.addEventListener("click", () => {
    if (!applyUpdate(app.inspectionOpen)) reason.textContent = t("updateBlocked");
  });
  return [h("p", { class: "notice", id: "update-notice" }, t("updateReady"), " ", button, " ", reason)];
}

async function route() {
  if (app.leaveInspection) {
    const leave = app.leaveInspection;
    app.leaveInspection = null;
    app.inspectionOpen = null;
    leave();
  }
  await reloadSession();
  renderTabs();
  refreshBadge();
  paintBanner();
  menu.paint();
  const session = app.session;
  if (shouldWarnInApp() && (!session || session.expired)) return showInAppWarning(app);
  if (!session || session.expired) return showLogin(app);
  if (app.pendingQr && app.pack) {
    const place = placeByQr(app.pack.data, app.pendingQr);
    app.pendingQr = null;
    window.history.replaceState(null, "", place ? `/#/place/${encodeURIComponent(place.code)}` : "/#/places");
  }
  const [, name, arg] = window.location.hash.split("/");
  const param = arg ? decodeURIComponent(arg) : null;
  if (name === "place" && param) return showStart(app, param);
  if (name === "inspect" && param) return showInspection(app, param);
  if (name === "login") return showLogin(app);
  if (name === "outbox") return showOutbox(app);
  if (name === "history") return showHistory(app);
  if (name === "cases") return showCases(app);
  if (name === "case" && param) return showCase(app, param);
  return showPlaces(app);
}

function listen() {
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { refreshBadge(); paintBanner(); syncSoon(); });
  window.addEventListener("offline", () => { refreshBadge(); paintBanner(); });
  onReachability(paintBanner);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") { syncSoon(); checkForUpdate(); }
  });
  setInterval(() => { if (navigator.onLine) syncSoon(); else refreshBadge(); }, SYNC_INTERVAL_MS);
  try {
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event) => {
      if (event.data?.type === "outbox") refreshBadge();
      if (event.data?.type === "login") route();
    };
  } catch {
    // Without BroadcastChannel the timer keeps the badge current.
  }
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "sync") syncSoon();
  });
  document.getElementById("queue-badge").addEventListener("click", () => app.go("#/outbox"));
  document.getElementById("lang").addEventListener("click", () => {
    setLang(getLang() === "zh" ? "en" : "zh");
    saveRequestLanguage(getLang()).catch(() => {});
    paintChrome();
    renderNotices(updateOffer());
    route();
  });
}

function paintChrome() {
  document.documentElement.lang = getLang() === "zh" ? "zh-CN" : "en";
  document.querySelector(".brand").textContent = t("appName");
  const lang = document.getElementById("lang");
  lang.textContent = getLang() === "zh" ? "EN" : "中文";
  lang.setAttribute("lang", getLang() === "zh" ? "en" : "zh-CN");
}

/** The lines under the header that the app keeps current: the network banner and the last sync's outcome. */
function addStatusLines() {
  const banner = h("div", { id: "net-banner", class: "net-banner", role: "status", "aria-live": "polite", hidden: true });
  const status = h("div", { id: "sync-status", class: "sync-status", role: "status", "aria-live": "polite", hidden: true });
  document.querySelector(".bar").after(banner, status);
}

async function start() {
  initLang();
  await saveRequestLanguage(getLang()).catch(() => {});  // without it the server answers in Chinese
  addStatusLines();
  menu = setUpMenu(app);
  paintChrome();
  if (window.location.pathname.startsWith("/q/")) {
    app.pendingQr = window.location.pathname;
    window.history.replaceState(null, "", "/#/places");
  }
  listen();
  await renderNotices();
  registerWorker(() => renderNotices(updateOffer())).catch(() => {});
  await route();
  const session = app.session;
  if (session && !session.expired && navigator.onLine) {
    refreshPack(session.username).then((pack) => {
      if (pack && !app.pack) route();
    }).catch(() => {});
  }
  syncSoon();
}

// Exposed for tests and the update notice only through the DOM; the object stays module-private.
start();
