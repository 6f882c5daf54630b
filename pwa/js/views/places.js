// Pick a place: nearest first by GPS with the distance, grouped by compound, each row with its kind in words and
// what is due from this user or already done this period; search by name or code, scan a QR label.
import { allBy, getKv } from "../db.js";
import { h, formatTime, show } from "../dom.js";
import { formatDistance, t } from "../i18n.js";
import { currentFix } from "../geo.js";
import { placeByQr, refreshPack } from "../pack.js";
import { LIST_CAP, doneThisPeriod, duePlaces, groupPlaces, orderPlaces } from "../placelist.js";

const DONE_KEYS = { weekly_guidance: "doneWeekly", monthly_covert: "doneMonthly", quarterly_assessment: "doneQuarterly" };

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

function placeRow({ place, distance }, { due, done, child }) {
  const regimes = [...(done.get(place.code) || [])];
  return h("li", { class: child ? "child" : null },
    h("a", { class: "place", href: `#/place/${encodeURIComponent(place.code)}`, "data-code": place.code, "data-kind": place.kind },
      h("span", { class: "name" },
        h("span", { class: `kind kind-${place.kind}`, "data-kind": place.kind }, t(`kind_${place.kind}`)), " ", place.name,
        due.has(place.code) ? h("span", { class: "tag warn", "data-due": due.get(place.code).regime }, t("dueThisWeek")) : null,
        regimes.map((regime) => h("span", { class: "tag ok", "data-done": regime }, "✓ ", t(DONE_KEYS[regime] || regime)))),
      h("span", { class: "meta" }, place.code, " · ", distance == null ? t("noFix") : t("distance", { d: formatDistance(distance) }))));
}

function groupItem(group, marks) {
  const [first, ...rest] = group.rows;
  const headed = first.place.code === group.code;
  // A station whose compound the search left out still shows which compound it belongs to.
  const title = !headed && group.place
    ? h("p", { class: "group-title" }, h("span", { class: `kind kind-${group.place.kind}` }, t(`kind_${group.place.kind}`)), " ", group.place.name)
    : null;
  const rows = headed ? [placeRow(first, marks), ...rest.map((row) => placeRow(row, { ...marks, child: true }))]
    : group.rows.map((row) => placeRow(row, { ...marks, child: true }));
  return h("li", { class: "place-group", "data-group": group.code }, title, h("ul", { class: "places" }, rows));
}

/** Why the list shows no distances: location denied, or just not available yet. */
async function noFixHint() {
  const state = await navigator.permissions?.query({ name: "geolocation" }).then((p) => p.state).catch(() => null);
  return h("p", { class: "notice warn", id: "no-gps-hint", "data-state": state || "unavailable" }, t(state === "denied" ? "gpsDeniedHint" : "gpsUnavailableHint"));
}

export async function showPlaces(app) {
  const pack = app.pack;
  if (!pack) {
    show(h("h2", {}, t("places")), h("p", { class: "notice warn" }, t("noPack")));
    return;
  }
  const username = app.session.username;
  const refreshed = h("span", { id: "pack-refreshed" }, t("packRefreshed", { t: formatTime(pack.refreshedAt) }));
  const refreshButton = h("button", { type: "button", class: "ghost", id: "pack-refresh" }, t("refresh"));
  refreshButton.addEventListener("click", async () => {
    refreshButton.disabled = true;
    const next = await refreshPack(username).catch(() => null);
    refreshButton.disabled = false;
    if (next) { app.pack = next; refreshed.textContent = t("packRefreshed", { t: formatTime(next.refreshedAt) }); draw(); }
  });
  const search = h("input", { type: "search", id: "place-search", placeholder: t("search"), "aria-label": t("search") });
  const scanOutput = h("div", { id: "scan-output", role: "status" });
  const scanButton = h("button", { type: "button", class: "ghost", id: "scan" }, t("scan"));
  scanButton.addEventListener("click", () => scan(app, scanOutput).catch((e) => { scanOutput.textContent = String(e); }));
  const list = h("ul", { class: "places grouped", id: "place-list" });
  const listNote = h("p", { class: "muted", id: "place-list-note", role: "status" });
  const gpsHint = h("div", { id: "gps-hint-box" });
  const done = doneThisPeriod(await allBy("records", "owner", username), await getKv(`history:${username}`));
  let fix = null;
  const draw = () => {
    const places = app.pack.data.places || [];
    const matching = orderPlaces(places, fix, search.value);
    const shown = matching.slice(0, LIST_CAP);
    const marks = { due: duePlaces(app.pack.data.assignments, done, places), done };
    const groups = groupPlaces(shown, new Map(places.map((p) => [p.code, p])));
    list.replaceChildren(...groups.map((group) => groupItem(group, marks)));
    const query = search.value.trim();
    listNote.hidden = false;
    if (!matching.length) listNote.textContent = query ? t("noPlaceFound", { q: query }) : t("noPlaces");
    else if (matching.length > shown.length) listNote.textContent = t("listCapped", { n: LIST_CAP, total: matching.length });
    else listNote.hidden = true;
    listNote.dataset.state = !matching.length ? "empty" : matching.length > shown.length ? "capped" : "";
  };
  search.addEventListener("input", draw);
  draw();
  currentFix({ timeoutMs: 10_000 }).then(async (position) => {
    fix = position;
    if (!list.isConnected) return;
    draw();
    if (!position) gpsHint.replaceChildren(await noFixHint());
  });
  const user = pack.data.user || {};
  show(
    h("h2", {}, t("places")),
    h("p", { class: "muted" }, `${user.display_name || user.username || ""}`),
    h("p", { class: "muted row" }, refreshed, " ", refreshButton),
    h("div", { class: "row" }, search, scanButton),
    gpsHint,
    scanOutput,
    listNote,
    list,
  );
}
