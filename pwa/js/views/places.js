// Pick a place: nearest first by GPS with the distance, search by name or code, scan a QR label.
import { h, formatTime, show } from "../dom.js";
import { formatDistance, t } from "../i18n.js";
import { distanceM, currentFix } from "../geo.js";
import { placeByQr, refreshPack } from "../pack.js";
import { logout } from "../api.js";

/** Places with their distance from the fix, nearest first; by code when there is no fix. */
export function orderPlaces(places, fix, query) {
  const q = (query || "").trim().toLowerCase();
  const matching = q ? places.filter((p) => p.name.toLowerCase().includes(q) || p.code.toLowerCase().includes(q)) : places;
  const withDistance = matching.map((place) => ({
    place,
    distance: fix && place.lat != null ? distanceM(fix.lat, fix.lng, Number(place.lat), Number(place.lng)) : null,
  }));
  return withDistance.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.place.code.localeCompare(b.place.code));
}

async function scan(app, output) {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) {
    output.textContent = t("scanUnsupported");
    return;
  }
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  const video = h("video", { playsinline: true, muted: true, class: "scanner", "aria-label": t("scan") });
  video.srcObject = stream;
  output.replaceChildren(video);
  await video.play();
  const stop = () => { stream.getTracks().forEach((track) => track.stop()); video.remove(); };
  for (let tries = 0; tries < 600; tries += 1) {
    const codes = await detector.detect(video).catch(() => []);
    const place = codes.length ? placeByQr(app.pack.data, codes[0].rawValue) : null;
    if (place) {
      stop();
      app.go(`#/place/${encodeURIComponent(place.code)}`);
      return;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  stop();
}

export function showPlaces(app) {
  const pack = app.pack;
  const logoutButton = h("button", { type: "button", class: "ghost", id: "logout" }, t("logout"));
  logoutButton.addEventListener("click", async () => { await logout(); app.go("#/places"); });
  if (!pack) {
    show(h("h2", {}, t("places")), h("p", { class: "notice warn" }, t("noPack")), logoutButton);
    return;
  }
  const refreshed = h("span", { id: "pack-refreshed" }, t("packRefreshed", { t: formatTime(pack.refreshedAt) }));
  const refreshButton = h("button", { type: "button", class: "ghost", id: "pack-refresh" }, t("refresh"));
  refreshButton.addEventListener("click", async () => {
    refreshButton.disabled = true;
    const next = await refreshPack(app.session.username).catch(() => null);
    refreshButton.disabled = false;
    if (next) { app.pack = next; refreshed.textContent = t("packRefreshed", { t: formatTime(next.refreshedAt) }); draw(); }
  });
  const search = h("input", { type: "search", id: "place-search", placeholder: t("search"), "aria-label": t("search") });
  const scanOutput = h("div", { id: "scan-output", role: "status" });
  const scanButton = h("button", { type: "button", class: "ghost", id: "scan" }, t("scan"));
  scanButton.addEventListener("click", () => scan(app, scanOutput).catch((e) => { scanOutput.textContent = String(e); }));
  const list = h("ul", { class: "places", id: "place-list" });
  let fix = null;
  const draw = () => {
    const rows = orderPlaces(app.pack.data.places || [], fix, search.value).slice(0, 60);
    const due = new Map((app.pack.data.assignments || []).map((a) => [a.place, a]));
    list.replaceChildren(...rows.map(({ place, distance }) => h("li", {},
      h("a", { class: "place", href: `#/place/${encodeURIComponent(place.code)}`, "data-code": place.code },
        h("span", { class: "name" }, place.name,
          due.has(place.code) ? h("span", { class: "tag warn", "data-due": due.get(place.code).regime }, t("dueThisWeek")) : null),
        h("span", { class: "meta" }, place.code, " · ", distance == null ? t("noFix") : t("distance", { d: formatDistance(distance) }))))));
  };
  search.addEventListener("input", draw);
  draw();
  currentFix({ timeoutMs: 10_000 }).then((position) => { fix = position; if (list.isConnected) draw(); });
  const user = pack.data.user || {};
  show(
    h("h2", {}, t("places")),
    h("p", { class: "muted row" }, `${user.display_name || user.username || ""}`, " ", logoutButton),
    h("p", { class: "muted row" }, refreshed, " ", refreshButton),
    h("div", { class: "row" }, search, scanButton),
    scanOutput,
    list,
  );
}
