// The outbox: every unsent record and what it waits for, drafts to resume, "upload now" and the export.
import { allBy, update, writeMany } from "../db.js";
import { h, formatTime, show } from "../dom.js";
import { getLang, t } from "../i18n.js";
import { acknowledge, heldWithoutPhotos, requeue, unsent, waitingFor } from "../outbox.js";
import { checklistById, placeByCode } from "../pack.js";
import { refusalLines, refusedForItems, reopenForFix } from "../refusal.js";
import { needsOnlineLogin, retryCause, syncReport, uploadBlocked } from "../syncstatus.js";

/** What a record waits for, with the cause of a retry, and the login an unlocked session still needs. */
function waitingLine(record, session, now) {
  const online = navigator.onLine;
  if (record.state === "queued" && needsOnlineLogin(session)) return t("needReloginToUpload");
  const why = waitingFor(record, now, online);
  if (why.key === "waitLogin") return t("needReloginToUpload");
  if (why.key !== "waitRetry") return t(why.key, why.vars);
  const cause = retryCause(record.sync, online);
  return t("waitRetryCause", { s: why.vars.s, c: t(cause.key, cause.vars) });
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Writes every unsent record of the user, photos included, to a JSON file the user keeps (last resort). */
async function exportOutbox(username) {
  const records = unsent(await allBy("records", "owner", username));
  const out = [];
  for (const record of records) {
    const photos = await allBy("photos", "inspection", record.uuid);
    out.push({ uuid: record.uuid, body: record.body, state: record.state, error: record.sync?.error || null,
      photos: photos.map((p) => ({ uuid: p.uuid, item: p.item, type: p.type, sha256: p.sha256, base64: base64(p.data) })) });
  }
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), user: username, records: out }, null, 1)], { type: "application/json" });
  const link = h("a", { href: URL.createObjectURL(blob), download: `sortpatrol-outbox-${username}-${Date.now()}.json` });
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * A record refused for its answers: each item the server named, by code and title, with the server's words, and
 * "打开补答", which makes it a draft again (same uuid) on the inspection screen. Without its checklist in the pack
 * the record cannot be shown as a draft: it stays here, to be exported, with "upload now" as before.
 * @returns {{lines: Node[], action: Node | null}}
 */
function refusedItemsPart(app, record, retry) {
  const checklist = checklistById(app.pack?.data, record.checklist ?? record.body?.checklist_version);
  const place = placeByCode(app.pack?.data, record.place ?? record.body?.place);
  const items = refusalLines(record.sync.refusal, checklist, getLang()).map(({ code, title, message }) =>
    h("li", { class: "refused-item", "data-item": code }, h("span", { class: "code" }, code), " ",
      title ? h("strong", {}, title) : null, title ? " — " : "", message));
  const others = (record.sync.refusal.other || []).map(({ field, messages }) =>
    h("li", { class: "refused-other", "data-field": field }, messages.join(" ")));
  const lines = [h("ul", { class: "refused-items" }, items, others)];
  if (!checklist || !place) return { lines: [...lines, h("p", { class: "muted cannot-reopen" }, t("cannotReopen"))], action: retry };
  const fix = h("button", { type: "button", class: "primary fix-record", onclick: async () => {
    const reopened = await update("records", record.uuid, (r) => (r && refusedForItems(r) ? reopenForFix(r) : undefined));
    if (reopened?.state === "draft") app.go(`#/inspect/${encodeURIComponent(record.uuid)}`);
  } }, t("fixRecord"));
  return { lines, action: fix };
}

export async function showOutbox(app) {
  const username = app.session.username;
  const list = h("ul", { class: "list", id: "outbox-list" });
  const drafts = h("ul", { class: "list", id: "draft-list" });
  const draw = async () => {
    const mine = await allBy("records", "owner", username);
    const waiting = unsent(mine).sort((a, b) => a.createdAt - b.createdAt);
    const now = Date.now();
    list.replaceChildren(...(waiting.length ? waiting.map((record) => {
      const held = heldWithoutPhotos(record);
      let retry = null;
      if (held) {
        // The server has the record; nothing to send again. Once seen, it is history and its photos are freed.
        retry = h("button", { type: "button", class: "ghost acknowledge", onclick: async () => {
          await update("records", record.uuid, (r) => (r && heldWithoutPhotos(r) ? acknowledge(r, Date.now()) : undefined));
          const photos = await allBy("photos", "inspection", record.uuid);
          if (photos.length) await writeMany([], photos.map((p) => ["photos", p.uuid]));
          app.refreshBadge();
          draw();
        } }, t("acknowledge"));
      } else if (record.state === "attention") {
        retry = h("button", { type: "button", class: "ghost", onclick: async () => {
          await update("records", record.uuid, (r) => (r && r.state === "attention" ? requeue(r) : undefined));
          app.syncSoon(true).then(draw);
        } }, t("syncNow"));
      }
      // (A photo refused on its PUT is named in the attention line itself.)
      let refused = (held ? record.sync.refused : []).map((p) =>
        h("div", { class: "error refused-photo", "data-photo": p.uuid, "data-code": p.code || "" },
          t("photoRefused", { item: p.item || "?", m: p.message })));
      if (refusedForItems(record)) {
        const part = refusedItemsPart(app, record, retry);
        refused = part.lines;
        retry = part.action;
      }
      return h("li", { class: `outbox-item ${record.state}`, "data-uuid": record.uuid, "data-state": record.state },
        h("strong", {}, record.placeName || record.place), " ", t(record.regime), " · ", formatTime(record.createdAt),
        record.provisional?.score != null ? ` · ${Number(record.provisional.score).toFixed(1)}` : "",
        h("div", { class: record.state === "attention" ? "error" : "muted waiting" }, waitingLine(record, app.session, now)), ...refused, retry);
    }) : [h("li", { class: "muted", id: "outbox-empty" }, t("outboxEmpty"))]));
    drafts.replaceChildren(...mine.filter((r) => r.state === "draft").map((d) => h("li", {},
      h("a", { class: "place", href: `#/inspect/${d.uuid}` }, `${d.placeName || d.place} · ${t(d.regime)} · ${formatTime(d.createdAt)} · ${t("resume")}`))));
  };
  const syncButton = h("button", { type: "button", class: "primary", id: "sync-now" }, t("syncNow"));
  const message = h("p", { id: "sync-message", role: "status", "aria-live": "polite" });
  syncButton.addEventListener("click", async () => {
    const count = unsent(await allBy("records", "owner", username)).length;
    const blocked = uploadBlocked({ online: navigator.onLine, session: app.session, unsentCount: count });
    if (blocked) {
      message.dataset.key = blocked.key;
      message.textContent = t(blocked.key, blocked.vars);
      return;
    }
    syncButton.disabled = true;
    message.textContent = t("sending");
    const outcome = await app.syncSoon(true).catch(() => ({ uploaded: 0, left: count }));
    syncButton.disabled = false;
    const report = syncReport({ ...outcome, online: navigator.onLine, session: app.session });
    message.dataset.key = report?.key || "";
    message.textContent = report ? t(report.key, report.vars) : "";
    draw();
  });
  const exportButton = h("button", { type: "button", class: "ghost", id: "export-outbox" }, t("exportOutbox"));
  exportButton.addEventListener("click", () => exportOutbox(username));
  show(h("h2", {}, t("outbox")), h("div", { class: "row" }, syncButton, exportButton), message, list, h("h3", {}, t("drafts")), drafts);
  await draw();
  const timer = setInterval(() => { if (list.isConnected) draw(); else clearInterval(timer); }, 2000);
}
