// History: my recent inspections with the server's score, grade and flags. The server's list (also what I sent
// from another phone, and voids) is fetched when online and kept for offline viewing; records this phone
// completed in the last 30 days fill in whatever the list does not have yet.
import { apiFetch } from "../api.js";
import { allBy, getKv, putKv } from "../db.js";
import { h, formatTime, show } from "../dom.js";
import { t } from "../i18n.js";

const GRADE_KEYS = { excellent: "excellent", good: "good", pass: "gradePass", fail: "gradeFail" };

/** Local completed records and the server's list → one list, newest first, the server's word winning. */
export function mergeHistory(localDone, serverItems) {
  const rows = new Map();
  for (const record of localDone) {
    const server = record.sync?.server || {};
    rows.set(record.uuid, { uuid: record.uuid, place: record.placeName || record.place, regime: record.regime,
      at: record.doneAt || 0, score: server.score, grade: server.grade, vetoed: server.vetoed, flags: server.flags || [] });
  }
  for (const item of serverItems || []) {
    rows.set(item.uuid, { uuid: item.uuid, place: item.place_name || item.place, regime: item.regime,
      at: Date.parse(item.inspected_at || item.received_at) || 0, score: item.score, grade: item.grade,
      vetoed: item.vetoed, voided: item.voided, flags: item.flags || [] });
  }
  return [...rows.values()].sort((a, b) => b.at - a.at);
}

function row(entry) {
  const flags = entry.flags.map((flag) => h("span", { class: "tag warn", "data-flag": flag }, t(flag)));
  return h("li", { class: "history-item", "data-uuid": entry.uuid },
    h("strong", {}, entry.place), " ", t(entry.regime), " · ", formatTime(entry.at),
    h("div", {}, entry.score == null ? t("unscored") : t("serverScore", { s: Number(entry.score).toFixed(1) }), " ",
      entry.grade ? t(GRADE_KEYS[entry.grade] || entry.grade) : "",
      entry.vetoed ? h("span", { class: "tag bad" }, t("vetoed")) : null,
      entry.voided ? h("span", { class: "tag bad" }, "✕") : null, " ", flags));
}

export async function showHistory(app) {
  const username = app.session.username;
  const cacheKey = `history:${username}`;
  const list = h("ul", { class: "list", id: "history-list" });
  const draw = async (serverItems) => {
    const localDone = (await allBy("records", "owner", username)).filter((r) => r.state === "done" && !r.kind);  // inspections, not case steps
    const entries = mergeHistory(localDone, serverItems);
    list.replaceChildren(...(entries.length ? entries.map(row) : [h("li", { class: "muted" }, t("historyEmpty"))]));
  };
  show(h("h2", {}, t("history")), list);
  await draw(await getKv(cacheKey));
  if (!navigator.onLine) return;
  const answer = await apiFetch("/inspections/?page_size=50").catch(() => null);
  if (answer?.status === 200 && Array.isArray(answer.body?.results)) {
    await putKv(cacheKey, answer.body.results);
    if (list.isConnected) await draw(answer.body.results);
  }
}
