// History: my inspections the server completed (kept 30 days), with the server's score, grade and flags.
import { allBy } from "../db.js";
import { h, formatTime, show } from "../dom.js";
import { t } from "../i18n.js";

const GRADE_KEYS = { excellent: "excellent", good: "good", pass: "gradePass", fail: "gradeFail" };

export async function showHistory(app) {
  const done = (await allBy("records", "owner", app.session.username))
    .filter((r) => r.state === "done")
    .sort((a, b) => (b.doneAt || 0) - (a.doneAt || 0));
  const rows = done.map((record) => {
    const server = record.sync?.server || {};
    const flags = (server.flags || []).map((flag) => h("span", { class: "tag warn", "data-flag": flag }, t(flag)));
    return h("li", { class: "history-item", "data-uuid": record.uuid },
      h("strong", {}, record.placeName || record.place), " ", t(record.regime), " · ", formatTime(record.doneAt),
      h("div", {}, server.score == null ? t("unscored") : t("serverScore", { s: Number(server.score).toFixed(1) }), " ",
        server.grade ? t(GRADE_KEYS[server.grade] || server.grade) : "", server.vetoed ? h("span", { class: "tag bad" }, t("vetoed")) : null, " ", flags));
  });
  show(h("h2", {}, t("history")), h("ul", { class: "list", id: "history-list" }, rows.length ? rows : h("li", { class: "muted" }, t("historyEmpty"))));
}
