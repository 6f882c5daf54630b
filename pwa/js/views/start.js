// A place's page: choose the regime (only those the user may run here) and start, or resume a draft.
import { allBy, getKv, put, putKv } from "../db.js";
import { h, formatTime, show } from "../dom.js";
import { t } from "../i18n.js";
import { checklistFor, placeByCode, regimesFor } from "../pack.js";

/** This browser's device id, made once (SYNC.md: `device_id`). */
export async function deviceId() {
  let id = await getKv("device_id");
  if (!id) {
    id = crypto.randomUUID();
    await putKv("device_id", id);
  }
  return id;
}

export function newDraft({ owner, place, checklist, regime, now = new Date() }) {
  return {
    uuid: crypto.randomUUID(),
    owner,
    state: "draft",
    place: place.code,
    placeName: place.name,
    regime,
    checklist: checklist.id,
    startedAt: now.toISOString(),
    createdAt: now.getTime(),
    answers: {},
    photos: [],
    location: null,
    sync: {},
  };
}

export async function showStart(app, code) {
  const pack = app.pack?.data;
  const place = placeByCode(pack, code);
  if (!place) return app.go("#/places");
  const regimes = regimesFor(pack, place.kind);
  const drafts = (await allBy("records", "owner", app.session.username)).filter((r) => r.state === "draft" && r.place === code);
  const choices = regimes.map((regime, index) => h("label", { class: "choice big" },
    h("input", { type: "radio", name: "regime", value: regime, checked: index === 0 }), " ", t(regime)));
  const startButton = h("button", { type: "button", class: "primary big", id: "start-inspection", disabled: !regimes.length }, t("start"));
  startButton.addEventListener("click", async () => {
    const regime = document.querySelector("input[name=regime]:checked")?.value;
    const checklist = checklistFor(pack, place.kind, regime);
    if (!checklist) return;
    const draft = newDraft({ owner: app.session.username, place, checklist, regime });
    await put("records", draft);
    app.go(`#/inspect/${draft.uuid}`);
  });
  show(
    h("h2", {}, place.name),
    h("p", { class: "muted" }, place.code),
    regimes.length
      ? h("fieldset", { class: "stack" }, h("legend", {}, t("regime")), choices)
      : h("p", { class: "notice warn" }, t("noChecklist")),
    startButton,
    drafts.length ? h("section", {}, h("h3", {}, t("drafts")), h("ul", { class: "list" }, drafts.map((d) =>
      h("li", {}, h("a", { href: `#/inspect/${d.uuid}`, class: "place" }, `${t(d.regime)} · ${formatTime(d.createdAt)} · ${t("resume")}`))))) : null,
    h("p", {}, h("a", { href: "#/places" }, t("backToPlaces"))),
  );
}
