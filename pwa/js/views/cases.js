// The 整改 tab: a property company's (or a unit office's) cases to answer, or an inspector's cases due for re-check,
// from the offline pack; a case screen with its problems and deadline, and the answer or re-check form. A sent
// form is an outbox record (cases.js), queued with its photos in one IndexedDB transaction, like an inspection.
import { UnreadablePhoto, preparePhoto } from "../camera.js";
import { ANSWER, PHOTOS_MAX, RECHECK, answerProblem, answerRecord, casesWithLocal, recheckRecord, sortCases } from "../cases.js";
import { allBy, writeMany } from "../db.js";
import { h, show } from "../dom.js";
import { currentFix } from "../geo.js";
import { t } from "../i18n.js";
import { refreshPack } from "../pack.js";

const PARTY_ROLES = new Set(["company_user", "office_viewer"]);
// The states in which the server takes an answer (rectifications.services.ANSWERABLE).
const ANSWERABLE = new Set(["open", "recheck_due", "escalated"]);

/** What this user does with cases: answer them (the responsible party) or re-check them (inspectors). */
export function caseRole(pack) {
  return PARTY_ROLES.has(pack?.user?.role) ? ANSWER : RECHECK;
}

function casesOf(pack) {
  return caseRole(pack) === ANSWER ? pack?.cases || [] : pack?.rechecks || [];
}

function stateLine(kase) {
  const local = kase.local === "queued" ? t(kase.kind === RECHECK ? "recheckQueued" : "caseQueued") : kase.local === "sent" ? t("caseSent") : null;
  return h("div", { class: "case-state" },
    h("span", { class: "tag" }, t(`caseState_${kase.state}`)), " ",
    kase.overdue ? h("span", { class: "tag bad case-overdue" }, t("caseOverdue")) : null, " ",
    t("caseDeadline", { d: kase.deadline }),
    local ? h("div", { class: "muted case-local", "data-local": kase.local }, local) : null);
}

export async function showCases(app, refreshed = false) {
  const pack = app.pack?.data;
  const kind = caseRole(pack);
  const records = await allBy("records", "owner", app.session.username);
  const cases = sortCases(casesWithLocal(casesOf(pack), records, kind, app.pack?.refreshedAt)).map((c) => ({ ...c, kind }));
  const list = h("ul", { class: "list", id: "case-list" }, cases.length ? cases.map((kase) =>
    h("li", { class: "case-item", "data-case": kase.id, "data-number": kase.number },
      h("a", { class: "place", href: `#/case/${kase.id}` }, h("strong", {}, kase.number), " ", kase.place_name),
      h("div", {}, kase.items.map((i) => i.label || i.code).join("；")), stateLine(kase)))
    : [h("li", { class: "muted", id: "cases-empty" }, t(kind === ANSWER ? "casesEmpty" : "rechecksEmpty"))]);
  show(h("h2", {}, t(kind === ANSWER ? "casesTab" : "rechecksTab")), list);
  if (!navigator.onLine || refreshed) return;
  // Online: the cases as the server has them now (answers sent, re-checks done), once per visit of the tab.
  const fresh = await refreshPack(app.session.username).catch(() => null);
  if (fresh?.data && fresh.etag !== app.pack?.etag && list.isConnected) {
    app.pack = fresh;
    await showCases(app, true);
  }
}

/** The photo picker of a form: up to PHOTOS_MAX prepared photos, kept in memory until the form is sent. */
function photoPicker(stepUuid, item) {
  const photos = [];
  const strip = h("div", { class: "photos case-photos" });
  const message = h("p", { class: "photo-message", role: "status", "aria-live": "polite" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "photo-input", id: "case-photo", multiple: true });
  const paint = () => strip.replaceChildren(...photos.map((p) => {
    const url = URL.createObjectURL(new Blob([p.data], { type: p.type }));
    const remove = h("button", { type: "button", class: "ghost small remove-photo", "aria-label": t("removePhoto") }, "✕");
    remove.addEventListener("click", () => { photos.splice(photos.indexOf(p), 1); paint(); });
    return h("figure", { class: "thumb", "data-photo": p.uuid }, h("img", { src: url, alt: "" }), remove);
  }));
  input.addEventListener("change", async () => {
    message.replaceChildren();
    for (const file of input.files) {
      if (photos.length >= PHOTOS_MAX) {
        message.replaceChildren(h("span", { class: "error" }, t("casePhotosTooMany")));
        break;
      }
      try {
        photos.push({ uuid: crypto.randomUUID(), inspection: stepUuid, item, ...(await preparePhoto(file)) });
      } catch (error) {
        if (!(error instanceof UnreadablePhoto)) throw error;
        message.replaceChildren(h("span", { class: "error" }, t("photoUnreadable")));
      }
    }
    input.value = "";
    paint();
    strip.dispatchEvent(new CustomEvent("photos-saved", { bubbles: true }));
  });
  const node = h("div", { class: "photo-row" },
    h("label", { class: "button ghost", for: "case-photo" }, "📷 ", t("addPhoto")), input, strip, message);
  return { node, photos };
}

async function queue(app, record, photos) {
  await writeMany([...photos.map((p) => ["photos", p]), ["records", record]]);
  await app.refreshBadge();
  app.syncSoon();
  app.go("#/cases");
}

function answerForm(app, kase, stepUuid) {
  const note = h("textarea", { id: "case-note", maxlength: 1000, rows: 4 });
  const picker = photoPicker(stepUuid, kase.items[0]?.code || "");
  const error = h("p", { class: "error", id: "case-error", role: "alert" });
  const submit = h("button", { type: "button", class: "primary", id: "case-submit" }, t("caseSubmit"));
  submit.addEventListener("click", async () => {
    const problem = answerProblem(note.value, picker.photos);
    if (problem) return void (error.textContent = t(problem));
    submit.disabled = true;
    const record = answerRecord({ uuid: stepUuid, kase, owner: app.session.username, note: note.value, photos: picker.photos, now: Date.now() });
    await queue(app, record, picker.photos);
  });
  return h("section", { class: "card case-form", id: "answer-form" }, h("h3", {}, t("caseAnswer")),
    h("label", { for: "case-note" }, t("caseNote")), note,
    h("p", { class: "muted" }, t("casePhotos", { n: PHOTOS_MAX })), picker.node, error, submit);
}

function recheckForm(app, kase, stepUuid) {
  let fixed = null;
  let fix = null;
  currentFix().then((position) => { fix = position; gps.textContent = position ? `±${Math.round(position.accuracy)} m` : t("gpsNone"); });
  const gps = h("p", { class: "muted", id: "recheck-gps" }, "…");
  const verdict = (value, label, id) => {
    const button = h("button", { type: "button", class: "ghost verdict", id, "aria-pressed": "false" }, label);
    button.addEventListener("click", () => {
      fixed = value;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
    });
    return button;
  };
  const buttons = [verdict(true, t("recheckFixed"), "recheck-fixed"), verdict(false, t("recheckNotFixed"), "recheck-not-fixed")];
  const note = h("textarea", { id: "recheck-note", maxlength: 1000, rows: 3 });
  const picker = photoPicker(stepUuid, kase.items[0]?.code || "");
  const error = h("p", { class: "error", id: "case-error", role: "alert" });
  const submit = h("button", { type: "button", class: "primary", id: "recheck-submit" }, t("recheckSubmit"));
  submit.addEventListener("click", async () => {
    if (fixed === null) return void (error.textContent = t("recheckChoose"));
    submit.disabled = true;
    const record = recheckRecord({ uuid: stepUuid, kase, owner: app.session.username, fixed, note: note.value,
      location: fix, photos: picker.photos, now: Date.now() });
    await queue(app, record, picker.photos);
  });
  return h("section", { class: "card case-form", id: "recheck-form" }, h("h3", {}, t("recheck")),
    h("p", {}, t("recheckVerdict")), h("div", { class: "row verdicts" }, buttons),
    h("label", { for: "recheck-note" }, t("recheckNote")), note,
    h("p", { class: "muted" }, t("casePhotos", { n: PHOTOS_MAX })), picker.node, h("p", {}, t("gps"), " ", gps), error, submit);
}

export async function showCase(app, id) {
  const pack = app.pack?.data;
  const kind = caseRole(pack);
  const kase = casesOf(pack).find((c) => String(c.id) === String(id));
  const back = h("a", { href: "#/cases", class: "back" }, "← ", t("backToCases"));
  if (!kase) return show(h("h2", {}, t("casesTab")), h("p", { class: "muted" }, t("caseNotFound")), back);
  const records = await allBy("records", "owner", app.session.username);
  const [withLocal] = casesWithLocal([kase], records, kind, app.pack?.refreshedAt);
  const stepUuid = crypto.randomUUID();
  // An answered case waits for its re-check: a second answer would be refused (409), so none is offered.
  const answerable = kind === ANSWER && ANSWERABLE.has(kase.state) && withLocal.local !== "sent";
  const form = withLocal.local === "queued" ? null
    : kind === ANSWER ? (answerable ? answerForm(app, kase, stepUuid) : null) : recheckForm(app, kase, stepUuid);
  show(h("h2", { id: "case-heading", "data-case": kase.id }, kase.number, " ", kase.place_name), back,
    stateLine({ ...withLocal, kind }),
    h("h3", {}, t("caseProblems")), h("ul", { class: "case-problems" }, kase.items.map((i) => h("li", { "data-item": i.code }, h("span", { class: "code" }, i.code), " ", i.label))),
    kase.evidence?.length ? null : h("p", { class: "muted" }, t("caseEvidenceNone")),
    form);
}
