// Running a checklist: answers by section, notes, per-item photos, the GPS fix, the live provisional score, and a
// slim finish bar that says how far the draft is and refuses to finish it while a required item is missing.
// Every change is written to IndexedDB at once, so a reload or a dead battery loses nothing; a Web Lock keeps the
// draft open in one tab only, so two tabs can never save over each other.
import { get, put, remove, writeMany, allBy } from "../db.js";
import { h, show } from "../dom.js";
import { formatDistance, getLang, t } from "../i18n.js";
import { assessFix, currentFix } from "../geo.js";
import { preparePhoto } from "../camera.js";
import { checklistById, placeByCode } from "../pack.js";
import { localized } from "../content.js";
import { inspectionBody } from "../document.js";
import { barText, finishProblems, finishState, isAnswered, provisionalResult } from "../provisional.js";
import { mustAnswer } from "../scoring.js";
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
    return h("div", { class: "row" }, h("button", { type: "button", class: "step", "aria-label": "−1", onclick: bump(-1) }, "−"), input,
      h("button", { type: "button", class: "step", "aria-label": "+1", onclick: bump(1) }, "+"), h("span", { class: "muted" }, t("faults")), naToggle());
  }
  if (item.type === "percent") {
    const sample = value && typeof value === "object" ? { ...value } : {};
    const sampleChange = (field) => (e) => {
      sample[field] = e.target.value === "" ? undefined : parseInt(e.target.value, 10);
      if (Number.isFinite(sample.checked)) {
        onChange({ checked: sample.checked, wrong: Number.isFinite(sample.wrong) ? sample.wrong : 0 });
      }
    };
    return h("div", { class: "stack" },
      h("div", { class: "row" }, h("label", {}, t("percentValue"), " ",
        h("input", { type: "number", inputmode: "decimal", min: 0, max: 100, step: 0.1, name, value: typeof value === "number" ? String(value) : "",
          oninput: (e) => onChange(e.target.value === "" ? undefined : Math.min(100, Math.max(0, Math.round(parseFloat(e.target.value) * 10) / 10))) }))),
      h("div", { class: "row" }, t("sample"), " ",
        h("label", {}, t("checked"), " ", h("input", { type: "number", inputmode: "numeric", min: 1, step: 1, name: `${name}-checked`, value: sample.checked ?? "", oninput: sampleChange("checked") })),
        h("label", {}, t("wrong"), " ", h("input", { type: "number", inputmode: "numeric", min: 0, step: 1, name: `${name}-wrong`, value: sample.wrong ?? "", oninput: sampleChange("wrong") }))),
      naToggle());
  }
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
  const itemByCode = new Map(items.map((item) => [item.code, item]));

  const refreshScore = () => {
    const state = finishState(items, record.answers, record.photos);
    scoreBox.replaceChildren(...[h("span", { id: "finish-status" }, barText(state)),
      h("span", { id: "provisional-score", hidden: true, "data-score": state.score ?? "" }),
      state.vetoed ? h("span", { class: "tag bad" }, t("vetoed")) : null].filter(Boolean));
    const photographed = new Set(record.photos.map((p) => p.item));
    for (const [code, node] of itemNodes) {
      const item = itemByCode.get(code);
      const error = state.invalid[code] || "";
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
    const draw = () => {
      strip.replaceChildren(...photos.filter((p) => p.item === item.code).map((p) => {
        const url = URL.createObjectURL(new Blob([p.data], { type: p.type }));
        const removeButton = h("button", { type: "button", class: "ghost small", "aria-label": t("removePhoto") }, "✕");
        removeButton.addEventListener("click", async () => {
          record.photos = record.photos.filter((x) => x.uuid !== p.uuid);
          await writeMany([["records", record]], [["photos", p.uuid]]);
          photos = photos.filter((x) => x.uuid !== p.uuid);
          draw();
          refreshScore();
        });
        return h("figure", {}, h("img", { src: url, alt: item.label, width: 96, onload: () => URL.revokeObjectURL(url) }), removeButton);
      }));
    };
    draw();
    const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "photo-input", "data-item": item.code, id: `photo-${item.code}` });
    input.addEventListener("change", async () => {
      for (const file of input.files) {
        const prepared = await preparePhoto(file);
        const photo = { uuid: crypto.randomUUID(), inspection: uuid, item: item.code, ...prepared };
        record.photos = [...record.photos, { uuid: photo.uuid, item: item.code, sha256: photo.sha256, bytes: photo.bytes }];
        await writeMany([["photos", photo], ["records", record]]);
        photos = [...photos, photo];
      }
      input.value = "";
      draw();
      refreshScore();
      strip.dispatchEvent(new CustomEvent("photos-saved", { bubbles: true }));
    });
    return h("div", { class: "photo-row" }, h("label", { class: "button ghost", for: `photo-${item.code}` }, "📷 ", t("addPhoto")), input, strip);
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
      await save();
      refreshScore();
      if (value === "na" || rerender) {
        // Marking N/A clears the other inputs of the item: draw the control again.
        const again = answerControl(item, record.answers[item.code], onChange);
        control.replaceWith(again);
        control = again;
      }
      rerender = value === "na";
    };
    let rerender = false;
    let control = answerControl(item, current, onChange);
    const note = h("textarea", { rows: 2, name: `note-${item.code}`, "aria-label": `${t("note")} ${item.code}` }, current?.note || "");
    note.addEventListener("input", async () => {
      const entry = record.answers[item.code] || { value: undefined };
      record.answers[item.code] = { ...entry, note: note.value || undefined };
      await save();
    });
    const label = localized(item, "label", getLang());
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
    gpsBox,
    sections.map((s) => h("section", { class: "section" }, s.name ? h("h3", {}, s.title) : null, s.items.map(itemCard))),
    h("div", { class: "finish-bar", id: "finish-bar" }, problems, h("div", { class: "finish-row" }, scoreBox, finishButton)),
    discardButton,
  );
  refreshScore();
  drawGps();
  if (!record.location) locate(30_000);
}
