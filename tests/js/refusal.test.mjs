// A record the server refused for its answers (issue 11 leftovers): the field errors sorted into items, the outbox's
// lines in the UI's language, and the record reopened as a draft under the same uuid.
import assert from "node:assert/strict";
import { test } from "node:test";

import { applyResponse, requeue, unsent, waitingFor } from "../../pwa/js/outbox.js";
import { refusalLines, refusalOf, refusedForItems, refusedMessages, reopenForFix, withoutItem } from "../../pwa/js/refusal.js";

// What an older app queued for a weekly visit: BS04 and BS09 left out (they counted as "na" then).
const BODY = {
  checklist_version: 7, place: "LF-01-01-BS01", regime: "weekly_guidance", started_at: "2026-05-10T09:12:03+08:00",
  finished_at: "2026-05-10T09:20:41+08:00", location: { lat: 29.563, lng: 106.456, accuracy: 10, mock: false },
  answers: [{ item: "BS03", value: 0 }, { item: "BS07", value: 12, note: "十二处" }, { item: "BS16", value: 7 }],
  photos: [{ uuid: "p1", item: "BS16", sha256: "ab", bytes: 3 }],
};
const CHECKLIST = {
  id: 7,
  items: [
    { code: "BS03", label: "桶身洁净（净桶）", label_en: "bins clean" },
    { code: "BS04", label: "容器完好、桶盖闭合", label_en: "bins intact, lids closed" },
    { code: "BS07", label: "桶站及周边整洁", label_en: "" },
    { code: "BS09", label: "督导员履职", label_en: "supervisor guiding" },
    { code: "BS16", label: "现场指导居民人次", label_en: "residents guided" },
  ],
};
const FIELDS = {
  "items.BS09": ["请回答“督导员履职”（BS09）。"],
  "answers.1.value": ["“桶站及周边整洁”（BS07）：问题处数应为不小于 0 的整数。"],
  "items.BS04": ["请回答“容器完好、桶盖闭合”（BS04）。"],
  "photos.0.item": ["此项不允许拍照（BS16）。"],
  started_at: ["应为带时区的ISO 8601时间。"],
};
const queued = () => ({ uuid: "i1", owner: "wang", state: "queued", sync: {}, body: BODY, createdAt: 1 });
const refused = (fields = FIELDS) => applyResponse(queued(), { kind: "inspection", status: 400, now: 2,
  body: { error: { code: "invalid", message: "提交的数据有误，请检查标出的字段。", fields } } });

test("field errors are sorted into the items they name, an answer's and a photo's by their index in the body", () => {
  const refusal = refusalOf(FIELDS, BODY);
  assert.deepEqual(refusal.items, [
    { code: "BS09", messages: ["请回答“督导员履职”（BS09）。"] },
    { code: "BS07", messages: ["“桶站及周边整洁”（BS07）：问题处数应为不小于 0 的整数。"] },
    { code: "BS04", messages: ["请回答“容器完好、桶盖闭合”（BS04）。"] },
    { code: "BS16", messages: ["此项不允许拍照（BS16）。"] },
  ]);
  assert.deepEqual(refusal.other, [{ field: "started_at", messages: ["应为带时区的ISO 8601时间。"] }]);
});

test("several errors of one item are kept together; odd shapes never throw", () => {
  const refusal = refusalOf({ "items.BS04": "请回答。", "answers.9.value": ["?"], "answers.0.note": ["太长"], "answers.0.value": ["无效"] }, BODY);
  assert.deepEqual(refusal.items, [{ code: "BS04", messages: ["请回答。"] }, { code: "BS03", messages: ["太长", "无效"] }]);
  assert.deepEqual(refusal.other, [{ field: "answers.9.value", messages: ["?"] }]);  // no such answer: the record's
  assert.deepEqual(refusalOf(undefined, undefined), { items: [], other: [] });
  assert.deepEqual(refusalOf({ answers: ["这次检查没有回答任何检查项。"] }, null).other,
    [{ field: "answers", messages: ["这次检查没有回答任何检查项。"] }]);
});

test("the outbox lines follow the checklist, with each item's title in the UI's language", () => {
  const refusal = refusalOf(FIELDS, BODY);
  assert.deepEqual(refusalLines(refusal, CHECKLIST, "zh"), [
    { code: "BS04", title: "容器完好、桶盖闭合", message: "请回答“容器完好、桶盖闭合”（BS04）。" },
    { code: "BS07", title: "桶站及周边整洁", message: "“桶站及周边整洁”（BS07）：问题处数应为不小于 0 的整数。" },
    { code: "BS09", title: "督导员履职", message: "请回答“督导员履职”（BS09）。" },
    { code: "BS16", title: "现场指导居民人次", message: "此项不允许拍照（BS16）。" },
  ]);
  const english = refusalLines(refusalOf({ "items.BS04": ['Answer "bins intact, lids closed" (BS04).'], "items.BS07": ["x"] }, BODY), CHECKLIST, "en");
  assert.deepEqual(english, [
    { code: "BS04", title: "bins intact, lids closed", message: 'Answer "bins intact, lids closed" (BS04).' },
    { code: "BS07", title: "桶站及周边整洁", message: "x" },  // no translation: the Chinese original
  ]);
});

test("without its checklist in the pack an item is named by its code alone, after the known ones", () => {
  const refusal = { items: [{ code: "ZZ9", messages: ["a"] }, { code: "BS09", messages: ["b", "c"] }] };
  assert.deepEqual(refusalLines(refusal, CHECKLIST, "zh").map((l) => [l.code, l.title, l.message]),
    [["BS09", "督导员履职", "b c"], ["ZZ9", "", "a"]]);
  assert.deepEqual(refusalLines(refusal, null, "zh").map((l) => l.title), ["", ""]);
  assert.deepEqual(refusalLines(undefined, CHECKLIST, "zh"), []);
});

test("a 400 with item errors needs attention, says how many items, and is never dropped", () => {
  const next = refused();
  assert.equal(next.state, "attention");
  assert.equal(next.sync.errorCode, "invalid");
  assert.equal(next.sync.error, "提交的数据有误，请检查标出的字段。");
  assert.deepEqual(next.sync.refusal.items.map((i) => i.code), ["BS09", "BS07", "BS04", "BS16"]);
  assert.equal(refusedForItems(next), true);
  assert.deepEqual(waitingFor(next, 3, true), { key: "itemsRefused", vars: { n: 4 } });
  assert.deepEqual(unsent([next]).map((r) => r.uuid), ["i1"]);
  assert.equal(requeue(next).sync.refusal, null);
});

test("other refusals keep the server's message and are not offered for fixing", () => {
  const scope = applyResponse(queued(), { kind: "inspection", status: 403, now: 2,
    body: { error: { code: "out_of_scope", message: "This place is outside your inspection scope.", fields: {} } } });
  assert.equal(refusedForItems(scope), false);
  assert.deepEqual(waitingFor(scope, 3, true), { key: "attention", vars: { m: "This place is outside your inspection scope." } });
  const onlyRecordFields = refused({ place: ["没有这个场所。"] });
  assert.equal(refusedForItems(onlyRecordFields), false);
  assert.deepEqual(waitingFor(onlyRecordFields, 3, true), { key: "attention", vars: { m: "提交的数据有误，请检查标出的字段。" } });
});

test("reopening makes the same record a draft with its answers, photos and the refused items", () => {
  const record = { ...refused(), place: "LF-01-01-BS01", regime: "weekly_guidance", checklist: 7, startedAt: BODY.started_at,
    location: BODY.location, answers: { BS03: { value: 0 }, BS07: { value: 12, note: "十二处" } }, photos: BODY.photos,
    finishedAt: BODY.finished_at, provisional: { score: "80.0" } };
  const draft = reopenForFix(record);
  assert.equal(draft.uuid, "i1");
  assert.equal(draft.owner, "wang");
  assert.equal(draft.state, "draft");
  assert.deepEqual(draft.answers, record.answers);
  assert.deepEqual(draft.photos, BODY.photos);
  assert.deepEqual(draft.sync, {});
  assert.equal("body" in draft || "finishedAt" in draft || "provisional" in draft, false);
  assert.deepEqual(draft.refusal.items.map((i) => i.code), ["BS09", "BS07", "BS04", "BS16"]);
  assert.deepEqual(unsent([draft]), []);  // a draft again: listed under drafts, finished into the outbox anew
  assert.equal(refusedForItems(draft), false);
});

test("a record without draft fields (an older app's) is reopened from the body it sent", () => {
  const draft = reopenForFix(refused());
  assert.equal(draft.place, "LF-01-01-BS01");
  assert.equal(draft.checklist, 7);
  assert.equal(draft.regime, "weekly_guidance");
  assert.equal(draft.startedAt, BODY.started_at);
  assert.deepEqual(draft.answers, { BS03: { value: 0 }, BS07: { value: 12, note: "十二处" }, BS16: { value: 7 } });
  assert.deepEqual(draft.photos, BODY.photos);
});

test("an item's mark goes once the inspector changes it; the others stay", () => {
  const refusal = reopenForFix(refused()).refusal;
  assert.deepEqual(Object.keys(refusedMessages(refusal)), ["BS09", "BS07", "BS04", "BS16"]);
  const left = withoutItem(refusal, "BS04");
  assert.deepEqual(Object.keys(refusedMessages(left)), ["BS09", "BS07", "BS16"]);
  assert.equal(refusedMessages(left).BS09, "请回答“督导员履职”（BS09）。");
  assert.deepEqual(refusedMessages(undefined), {});
  assert.equal(withoutItem(undefined, "BS04"), undefined);
});
