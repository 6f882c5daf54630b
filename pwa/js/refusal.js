// A record the server refused as invalid (400 with field errors, SYNC.md rule 7): which checklist items it named,
// how the outbox shows them, and the record turned back into a draft so the inspector can fix them. Pure: no
// IndexedDB, no DOM, no clock. A 400 stores nothing on the server, so the fixed record goes up under the same uuid
// as a first write.
import { localized } from "./content.js";

// Field keys that name an item: "items.BS06" (left out), "answers.2.value" / "answers.2.photo" (its answer, by
// index in the document sent), "photos.0.item" (a photo the item may not have).
const ITEM_KEY = /^items\.(.+)$/;
const ANSWER_KEY = /^answers\.(\d+)(?:\.|$)/;
const PHOTO_ITEM_KEY = /^photos\.(\d+)\.item$/;

/** The item a field error is about, or null for an error of the record as a whole (place, times, …). */
function itemOfField(field, body) {
  const left = ITEM_KEY.exec(field);
  if (left) return left[1];
  const answer = ANSWER_KEY.exec(field);
  if (answer) return body?.answers?.[Number(answer[1])]?.item ?? null;
  const photo = PHOTO_ITEM_KEY.exec(field);
  if (photo) return body?.photos?.[Number(photo[1])]?.item ?? null;
  return null;
}

const asMessages = (value) => (Array.isArray(value) ? value : [value]).filter((m) => m != null && m !== "").map(String);

/**
 * The server's field errors sorted into the items they name and the rest.
 * refusalOf({"items.BS04": ["请回答…"], place: ["没有这个场所。"]}, body)
 *   → {items: [{code: "BS04", messages: ["请回答…"]}], other: [{field: "place", messages: ["没有这个场所。"]}]}
 * @param {object | null | undefined} fields the error body's `fields`
 * @param {object | null | undefined} body the document that was sent (to read an answer's item by its index)
 */
export function refusalOf(fields, body) {
  const byCode = new Map();
  const other = [];
  for (const [field, value] of Object.entries(fields || {})) {
    const messages = asMessages(value);
    const code = itemOfField(field, body);
    if (code == null) {
      other.push({ field, messages });
      continue;
    }
    byCode.set(code, [...(byCode.get(code) || []), ...messages]);
  }
  return { items: [...byCode].map(([code, messages]) => ({ code, messages })), other };
}

/**
 * The outbox's lines for a refusal, in checklist order: each item by code and its title in the UI's language
 * (the code alone when the pack no longer has the checklist), with the server's words.
 * @param {{items: {code: string, messages: string[]}[]} | null | undefined} refusal
 * @param {object | null} checklist the record's checklist version from the pack
 * @param {string} lang "zh" or "en"
 * @returns {{code: string, title: string, message: string}[]}
 */
export function refusalLines(refusal, checklist, lang) {
  const items = checklist?.items || [];
  const order = new Map(items.map((item, index) => [item.code, index]));
  return [...(refusal?.items || [])]
    .sort((a, b) => (order.get(a.code) ?? Infinity) - (order.get(b.code) ?? Infinity))
    .map(({ code, messages }) => ({
      code,
      title: localized(items.find((item) => item.code === code), "label", lang),
      message: messages.join(" "),
    }));
}

/** Whether the server refused the record for its answers: the inspector can reopen it and fix them. */
export function refusedForItems(record) {
  return record?.state === "attention" && record.sync?.errorCode === "invalid"
    && (record.sync?.refusal?.items || []).length > 0;
}

/** Draft answers {code: {value, note}} from a document's answer list (a record an older app kept no draft of). */
function answersFromBody(body) {
  return Object.fromEntries((body?.answers || []).map((a) => [a.item, a.note ? { value: a.value, note: a.note } : { value: a.value }]));
}

/**
 * The refused record as a draft again, same uuid, with its answers and photos, and the refused items kept
 * (`refusal`) for the inspection screen to mark until the inspector changes them. Finishing it queues it anew.
 */
export function reopenForFix(record) {
  const body = record.body || {};
  const { body: _sent, finishedAt: _finished, provisional: _score, ...kept } = record;
  return {
    ...kept,
    place: record.place ?? body.place,
    regime: record.regime ?? body.regime,
    checklist: record.checklist ?? body.checklist_version,
    startedAt: record.startedAt ?? body.started_at,
    location: record.location ?? body.location ?? null,
    answers: record.answers ?? answersFromBody(body),
    photos: record.photos ?? (body.photos || []),
    state: "draft",
    sync: {},
    refusal: { items: record.sync?.refusal?.items || [] },
  };
}

/** The server's word on each refused item still unchanged, by code: {BS04: "请回答…"}. */
export function refusedMessages(refusal) {
  return Object.fromEntries((refusal?.items || []).map(({ code, messages }) => [code, messages.join(" ")]));
}

/** The refusal without an item the inspector has changed since (its mark goes; the others stay). */
export function withoutItem(refusal, code) {
  if (!refusal) return refusal;
  return { ...refusal, items: (refusal.items || []).filter((item) => item.code !== code) };
}
