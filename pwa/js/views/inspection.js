// Running a checklist: answers by section, notes, per-item photos, the GPS fix, the live provisional score, and a
// slim finish bar that says how far the draft is and refuses to finish it while a required item is missing.
// Every change is written to IndexedDB at once, so a reload or a dead battery loses nothing; a Web Lock keeps the
// draft open in one tab only, so two tabs can never save over each other.
import { get, put, remove, writeMany, allBy } from "../db.js";
import { h, show } from "../dom.js";
import { formatDistance, getLang, t } from "../i18n.js";
import { assessFix, currentFix } from "../geo.js";
import { UnreadablePhoto, preparePhoto } from "../camera.js";
import { checklistById, placeByCode } from "../pack.js";
import { localized } from "../content.js";
import { inspectionBody } from "../document.js";
import { barText, finishProblems, finishState, isAnswered, provisionalResult } from "../provisional.js";
import { refusedMessages, withoutItem } from "../refusal.js";
import { mustAnswer } from "../scoring.js";
import { hasCleanAnswers, percentMode, percentShown, sampleWords, sectionAllPass } from "../quickanswers.js";
import { requestBackgroundSync } from "../worker.js";
import { deviceId } from "./start.js";

function holdDraftLock(uuid, render) {
  if (!navigator.locks) return render(true);
  return navigator.locks.request(`sortpatrol-draft-${uuid}`, { ifAvailable: true }, (lock) => render(Boolean(lock)));
}

export function showInspection(app, uuid) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  holdDraftLock(uuid, async (locked) => {
    if (!locked) {
      show(h("h2", {}, t("draftElsewhere")), h("p", { class: "notice warn", id: "draft-elsewhere" }, t("draftElsewhere")),
        h("p", {}, h("a", { href: "#/places" }, t("backToPlaces"))));
      return;
    }
    app.inspectionOpen = uuid;
    app.leaveInspection = release;
    await render(app, uuid);
    await released; // the lock is held until the user leaves this screen (or the tab closes)
  });
}

/** How long "已删除 · 撤销" stays after a photo is deleted. */
const UNDO_MS = 8000;

function itemLabel(item) {
  return localized(item, "label", getLang());
}

/**
 * A percent item, one input mode at a time: a sample (checked / wrong, in the checklist's own words where it has
 * them) or the percent itself; the percent the answer comes to is shown either way.
 */
function percentControl(item, value, onChange, naToggle) {
  const name = `answer-${item.code}`;
  let mode = percentMode(item, value);
  const words = sampleWords(item, itemLabel(item)) || { checked: t("checked"), wrong: t("wrong") };
  const sample = value && typeof value === "object" ? { ...value } : {};
  const shown = h("output", { class: "percent-shown", id: `percent-${item.code}` });
  const change = (next) => {
    const percent = percentShown(item, next);
    shown.textContent = percent ? `= ${percent}` : "";
    onChange(next);
  };
  const sampleChange = (field) => (e) => {
    sample[field] = e.target.value === "" ? undefined : parseInt(e.target.value, 10);
    if (Number.isFinite(sample.checked)) change({ checked: sample.checked, wrong: Number.isFinite(sample.wrong) ? sample.wrong : 0 });
  };
  const sampled = h("div", { class: "row percent-sample" },
    h("label", {}, words.checked, " ", h("input", { type: "number", inputmode: "numeric", min: 1, step: 1, name: `${name}-checked`, value: sample.checked ?? "", oninput: sampleChange("checked") })),
    h("label", {}, words.wrong, " ", h("input", { type: "number", inputmode: "numeric", min: 0, step: 1, name: `${name}-wrong`, value: sample.wrong ?? "", oninput: sampleChange("wrong") })));
  const direct = h("div", { class: "row percent-direct" }, h("label", {}, t("percentValue"), " ",
    h("input", { type: "number", inputmode: "decimal", min: 0, max: 100, step: 0.1, name, value: typeof value === "number" ? String(value) : "",
      oninput: (e) => change(e.target.value === "" ? undefined : Math.min(100, Math.max(0, Math.round(parseFloat(e.target.value) * 10) / 10))) }), " %"));
  const showMode = () => { sampled.hidden = mode !== "sample"; direct.hidden = mode !== "direct"; };
  const modes = h("div", { class: "segmented percent-mode", role: "radiogroup", "aria-label": t("percentMode") },
    [["sample", t("sample")], ["direct", t("percentValue")]].map(([optionValue, label]) => h("label", { class: "seg" },
      h("input", { type: "radio", name: `${name}-mode`, value: optionValue, checked: mode === optionValue,
        onchange: () => { mode = optionValue; showMode(); } }), h("span", {}, label))));
  showMode();
  const percent = percentShown(item, value);
  shown.textContent = percent ? `= ${percent}` : "";
  return h("div", { class: "stack" }, modes, sampled, direct, shown, naToggle());
}

function answerControl(item, answer, onChange) {
  const value = answer?.value;
  const name = `answer-${item.code}`;
  const radios = (options) => h("div", { class: "segmented", role: "radiogroup", "aria-label": item.label },
    options.map(([optionValue, label]) => h("label", { class: "seg" },
      h("input", { type: "radio", name, value: optionValue, checked: value === optionValue,
        onchange: () => onChange(optionValue) }), h("span", {}, label))));
  const naToggle = () => h("label", { class: "seg na" }, h("input", { type: "checkbox", name: `${name}-na`, checked: value === "na",
    onchange: (event) => onChange(event.target.checked ? "na" : undefined) }), h("span", {}, t("na")));
  if (item.type === "check") return radios([["pass", t("pass")], ["fail", t("fail")], ["na", t("na")]]);
  if (item.type === "deduct") {
    const input = h("input", { type: "number", inputmode: "numeric", min: 0, step: 1, name, "aria-label": t("faults"),
      value: typeof value === "number" ? String(value) : "", oninput: (e) => onChange(e.target.value === "" ? undefined : Math.max(0, parseInt(e.target.value, 10) || 0)) });
    const bump = (delta) => () => {
      const next = Math.max(0, (parseInt(input.value, 10) || 0) + delta);
      input.value = String(next);
      onChange(next);
    };
    const none = h("button", { type: "button", class: "no-faults", onclick: () => { input.value = "0"; onChange(0); } }, t("noFaults"));
    // The quick answers (none, N/A) on one line, the stepper whole on the next: a 360 px screen splits no control.
    return h("div", { class: "stack deduct" }, h("div", { class: "row" }, none, naToggle()),
      h("div", { class: "row" }, h("button", { type: "button", class: "step", "aria-label": "−1", onclick: bump(-1) }, "−"), input,
        h("button", { type: "button", class: "step", "aria-label": "+1", onclick: bump(1) }, "+"), h("span", { class: "muted" }, t("faults"))));
  }
  if (item.type === "percent") return percentControl(item, value, onChange, naToggle);
  if (item.type === "number") {
    return h("input", { type: "number", inputmode: "decimal", name, "aria-label": item.label, value: value ?? "",
      oninput: (e) => onChange(e.target.value === "" ? undefined : Number(e.target.value)) });
  }
  if (item.type === "choice") {
    const choices = (item.choices || []).map((c) => (typeof c === "object" ? [c.value, c.label || c.value] : [c, c]));
    return radios(choices);
  }
  return h("textarea", { name, rows: 3, "aria-label": item.label, oninput: (e) => onChange(e.target.value || undefined) }, value ?? "");
}

async function render(app, uuid) {
  const record = await get("records", uuid);
  const pack = app.pack?.data;
  if (!record || record.owner !== app.session.username) return app.go("#/places");
  if (record.state !== "draft") return app.go("#/outbox");
  const checklist = checklistById(pack, record.checklist);
  const place = placeByCode(pack, record.place);
  if (!checklist || !place) return app.go("#/places");
  let photos = await allBy("photos", "inspection", uuid);
  const items = checklist.items;

  const save = async () => { await put("records", record); };
  const scoreBox = h("div", { class: "score", id: "provisional", role: "status", "aria-live": "polite" });
  const gpsBox = h("div", { class: "gps", id: "gps" });
  const problems = h("div", { class: "finish-problems", id: "finish-error", role: "alert", hidden: true });
  const itemNodes = new Map();
  const redrawControl = new Map();  // item code → draws its answer control again from the record
  const itemByCode = new Map(items.map((item) => [item.code, item]));

  // A record the server refused and the inspector reopened (refusal.js): the items it named stay marked with its
  // words until the inspector changes them.
  const forgetRefusal = (code) => {
    if (record.refusal) record.refusal = withoutItem(record.refusal, code);
  };
  const refreshScore = () => {
    const state = finishState(items, record.answers, record.photos);
    const refused = refusedMessages(record.refusal);
    scoreBox.replaceChildren(...[h("span", { id: "finish-status" }, barText(state)),
      h("span", { id: "provisional-score", hidden: true, "data-score": state.score ?? "" }),
      state.vetoed ? h("span", { class: "tag bad" }, t("vetoed")) : null].filter(Boolean));
    const photographed = new Set(record.photos.map((p) => p.item));
    for (const [code, node] of itemNodes) {
      const item = itemByCode.get(code);
      const error = state.invalid[code] || refused[code] || "";
      const needsPhoto = state.photos.includes(code);
      const answered = isAnswered(item, record.answers[code]) && !error;
      node.classList.toggle("needs-photo", needsPhoto);
      node.classList.toggle("invalid", Boolean(error));
      node.dataset.state = error ? "invalid" : answered ? "answered" : "unanswered";
      node.querySelector(".answer-error").textContent = error;
      node.querySelector(".item-state").replaceChildren(...[
        answered ? h("span", { class: "tag ok" }, "✓ ", t("itemAnswered")) : null,
        photographed.has(code) ? h("span", { class: "tag ok" }, "✓ ", t("photoAttached")) : null].filter(Boolean));
    }
    if (!problems.hidden) {  // an open list follows the answers, and goes once nothing is left
      if (state.ready) problems.hidden = true;
      else showProblems(state);
    }
    return state;
  };

  // The item comes into view below the sticky header (CSS scroll-margin) and takes the focus, so a screen reader
  // and the keyboard land where the eye does.
  const jumpTo = (code) => {
    const node = itemNodes.get(code);
    if (!node) return;
    problems.hidden = true;
    node.scrollIntoView({ block: "start" });
    node.focus({ preventScroll: true });
  };
  const showProblems = (state) => {
    const label = (code) => {
      const item = itemByCode.get(code);
      return localized(item, "label", getLang());
    };
    const words = { missing: t("itemMissing"), photo: t("itemNeedsPhoto") };
    const list = finishProblems(items, state).map(({ code, problem }) => h("li", {},
      h("button", { type: "button", class: "jump", "data-jump": code, onclick: () => jumpTo(code) },
        h("span", { class: "code" }, code), " ", label(code), " — ", words[problem] || problem)));
    problems.replaceChildren(
      h("p", {}, list.length ? t("cannotFinish") : t("answerNothing")),
      list.length ? h("ul", { class: "jump-list" }, list) : null,
      h("button", { type: "button", class: "ghost small", "aria-label": t("acknowledge"), onclick: () => { problems.hidden = true; } }, "✕"));
    problems.hidden = false;
  };

  const drawGps = () => {
    const fix = record.location;
    const verdict = assessFix(fix, place, pack.policy?.poor_accuracy_m);
    const again = h("button", { type: "button", class: "ghost", id: "gps-retry" }, t("gpsRetry"));
    again.addEventListener("click", async () => { again.disabled = true; await locate(0); });
    const lines = [];
    if (verdict.none) lines.push(h("p", { class: "warn" }, t("gpsNone")));
    else {
      lines.push(h("p", {}, t("gpsAcc", { a: Math.round(fix.accuracy), d: formatDistance(verdict.distance) })));
      if (verdict.far) lines.push(h("p", { class: "notice warn", id: "gps-far" }, t("gpsFar", { d: formatDistance(verdict.distance), r: verdict.radius })));
      if (verdict.poor) lines.push(h("p", { class: "notice warn", id: "gps-poor" }, t("gpsPoor", { a: Math.round(fix.accuracy) })));
    }
    gpsBox.replaceChildren(h("h3", {}, t("gps")), ...lines, again);
  };
  const locate = async (maximumAgeMs) => {
    const fix = await currentFix({ maximumAgeMs });
    if (fix) { record.location = fix; await save(); }
    if (gpsBox.isConnected || !record.location) drawGps();
  };

  const photoStrip = (item) => {
    const strip = h("div", { class: "photos" });
    const message = h("p", { class: "photo-message", role: "status", "aria-live": "polite" });
    // A deleted photo is gone from the draft at once; "撤销" puts the very same photo back for a few seconds.
    const offerUndo = (photo, entry) => {
      const undo = h("button", { type: "button", class: "ghost undo" }, t("undo"));
      const timer = setTimeout(() => message.replaceChildren(), UNDO_MS);
      undo.addEventListener("click", async () => {
        clearTimeout(timer);
        message.replaceChildren();
        record.photos = [...record.photos, entry];
        photos = [...photos, photo];
        await writeMany([["photos", photo], ["records", record]]);
        draw();
        refreshScore();
      });
      message.replaceChildren(h("span", {}, t("photoDeleted")), " · ", undo);
    };
    const draw = () => {
      strip.replaceChildren(...photos.filter((p) => p.item === item.code).map((p) => {
        const url = URL.createObjectURL(new Blob([p.data], { type: p.type }));
        const removeButton = h("button", { type: "button", class: "ghost small remove-photo", "aria-label": t("removePhoto") }, "✕ ", t("delete"));
        removeButton.addEventListener("click", async () => {
          const entry = record.photos.find((x) => x.uuid === p.uuid);
          record.photos = record.photos.filter((x) => x.uuid !== p.uuid);
          forgetRefusal(item.code);
          await writeMany([["records", record]], [["photos", p.uuid]]);
          photos = photos.filter((x) => x.uuid !== p.uuid);
          draw();
          refreshScore();
          offerUndo(p, entry);
        });
        return h("figure", {}, h("img", { src: url, alt: item.label, width: 96, onload: () => URL.revokeObjectURL(url) }), removeButton);
      }));
    };
    draw();
    const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "photo-input", "data-item": item.code, id: `photo-${item.code}` });
    input.addEventListener("change", async () => {
      let unreadable = false;
      for (const file of input.files) {
        let prepared;
        try {
          prepared = await preparePhoto(file);
        } catch (error) {
          if (!(error instanceof UnreadablePhoto)) throw error;
          unreadable = true;
          continue;
        }
        const photo = { uuid: crypto.randomUUID(), inspection: uuid, item: item.code, ...prepared };
        record.photos = [...record.photos, { uuid: photo.uuid, item: item.code, sha256: photo.sha256, bytes: photo.bytes }];
        forgetRefusal(item.code);
        await writeMany([["photos", photo], ["records", record]]);
        photos = [...photos, photo];
      }
      input.value = "";
      message.replaceChildren(...(unreadable ? [h("span", { class: "error" }, t("photoUnreadable"))] : []));
      draw();
      refreshScore();
      strip.dispatchEvent(new CustomEvent("photos-saved", { bubbles: true }));
    });
    return h("div", { class: "photo-row" }, h("label", { class: "button ghost", for: `photo-${item.code}` }, "📷 ", t("addPhoto")), input, strip, message);
  };

  const sections = [];
  for (const item of items) {
    let section = sections.find((s) => s.name === (item.section || ""));
    if (!section) { section = { name: item.section || "", title: localized(item, "section", getLang()), items: [] }; sections.push(section); }
    section.items.push(item);
  }
  const itemCard = (item) => {
    const current = record.answers[item.code];
    const onChange = async (value) => {
      const note = record.answers[item.code]?.note;
      if (value === undefined && !note) delete record.answers[item.code];
      else record.answers[item.code] = { value, note };
      forgetRefusal(item.code);
      await save();
      refreshScore();
      // Marking N/A clears the other inputs of the item: draw the control again.
      if (value === "na" || rerender) redrawControl.get(item.code)();
      rerender = value === "na";
    };
    let rerender = false;
    let control = answerControl(item, current, onChange);
    redrawControl.set(item.code, () => {
      const again = answerControl(item, record.answers[item.code], onChange);
      control.replaceWith(again);
      control = again;
    });
    const note = h("textarea", { rows: 2, name: `note-${item.code}`, "aria-label": `${t("note")} ${item.code}` }, current?.note || "");
    note.addEventListener("input", async () => {
      const entry = record.answers[item.code] || { value: undefined };
      record.answers[item.code] = { ...entry, note: note.value || undefined };
      await save();
    });
    const label = itemLabel(item);
    const node = h("article", { class: "item", "data-item": item.code, "data-type": item.type, id: `item-${item.code}`,
      "data-required": mustAnswer(item), tabindex: -1 },
      h("h4", {}, h("span", { class: "code" }, item.code), " ", label, item.veto ? h("span", { class: "tag bad" }, t("vetoed")) : null,
        h("span", { class: "tag photo-needed" }, t("photoRequired"))),
      h("p", { class: "item-state" }),
      item.help ? h("p", { class: "muted" }, localized(item, "help", getLang())) : null,
      control,
      h("p", { class: "error answer-error", role: "alert" }),
      item.photo !== "never" ? photoStrip(item) : null,
      h("details", { open: Boolean(current?.note) }, h("summary", {}, t("note")), note));
    itemNodes.set(item.code, node);
    return node;
  };

  // "全部合格": the clean answer for every item of the section not answered yet, in one tap.
  const allPass = async (section) => {
    const values = sectionAllPass(section.items, record.answers);
    for (const [code, value] of Object.entries(values)) {
      record.answers[code] = { value, note: record.answers[code]?.note };
      forgetRefusal(code);
    }
    await save();
    for (const code of Object.keys(values)) redrawControl.get(code)();
    refreshScore();
  };
  const sectionHeader = (section) => h("div", { class: "section-head" }, section.name ? h("h3", {}, section.title) : h("span"),
    hasCleanAnswers(section.items)
      ? h("button", { type: "button", class: "all-pass", "data-section": section.name, onclick: () => allPass(section) }, "✓ ", t("allPass"))
      : null);

  const finishButton = h("button", { type: "button", class: "primary", id: "finish" }, t("finishShort"));
  finishButton.addEventListener("click", async () => {
    const state = refreshScore();
    if (!state.ready) {
      showProblems(state);
      problems.querySelector(".jump")?.focus();  // the keyboard is where the list is: one more key jumps
      return;
    }
    finishButton.disabled = true;
    const result = provisionalResult(items, record.answers);
    const finished = new Date();
    record.finishedAt = finished.toISOString();
    record.body = inspectionBody(record, { deviceId: await deviceId(), finishedAt: record.finishedAt, items });
    record.provisional = { score: result.score, grade: result.grade, vetoed: result.vetoed };
    record.state = "queued";
    record.sync = { attempts: 0, nextAt: 0 };
    delete record.refusal;
    await put("records", record);
    app.inspectionOpen = null;
    requestBackgroundSync();
    app.go("#/outbox");
    app.syncSoon();
  });
  const discardButton = h("button", { type: "button", class: "ghost danger", id: "discard" }, t("discard"));
  discardButton.addEventListener("click", async () => {
    if (!window.confirm(t("discard"))) return;
    await writeMany([], photos.map((p) => ["photos", p.uuid]));
    await remove("records", uuid);
    app.inspectionOpen = null;
    app.go("#/places");
  });

  show(
    h("p", { class: "leave" }, h("a", { href: "#/places", id: "leave-inspection" }, t("leaveInspection"))),
    h("h2", {}, place.name),
    h("p", { class: "muted" }, `${place.code} · ${t(record.regime)} · ${localized(checklist, "title", getLang())}`),
    record.refusal?.items?.length ? h("p", { class: "notice error", id: "refusal-notice", role: "alert" }, t("refusalNotice")) : null,
    gpsBox,
    sections.map((s) => h("section", { class: "section", "data-section": s.name }, sectionHeader(s), s.items.map(itemCard))),
    h("div", { class: "finish-bar", id: "finish-bar" }, problems, h("div", { class: "finish-row" }, scoreBox, finishButton)),
    discardButton,
  );
  refreshScore();
  drawGps();
  // Reopened after a refusal: the first item the server named comes into view below the header.
  const firstRefused = items.find((item) => item.code in refusedMessages(record.refusal));
  if (firstRefused) jumpTo(firstRefused.code);
  if (!record.location) locate(30_000);
}
