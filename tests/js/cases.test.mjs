// Rectification cases on the phone (pwa/js/cases.js): the records of answers and re-checks, their API paths, and
// the outbox's state machine taking a case step's answers like an inspection's.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ANSWER, RECHECK, answerProblem, answerRecord, casesWithLocal, isCaseRecord, recheckRecord, sortCases, stepPath, stepPhotoPath,
} from "../../pwa/js/cases.js";
import { applyResponse, nextRequest } from "../../pwa/js/outbox.js";

const kase = { id: 7, number: "ZG-2026-0007", place: "LF-X", place_name: "小区X", items: [{ code: "A", label: "桶身脏污" }] };
const photo = { uuid: "p1", sha256: "a".repeat(64), bytes: 1234, data: new ArrayBuffer(4), type: "image/jpeg" };

test("an answer record carries the note and the photo manifest, not the bytes", () => {
  const record = answerRecord({ uuid: "u1", kase, owner: "pc", note: "  已清理 ", photos: [photo], now: 5 });
  assert.equal(record.kind, ANSWER);
  assert.equal(record.state, "queued");
  assert.deepEqual(record.body, { note: "已清理", photos: [{ uuid: "p1", sha256: "a".repeat(64), bytes: 1234 }] });
  assert.ok(isCaseRecord(record));
  assert.equal(stepPath(record), "/rectifications/7/answers/u1/");
  assert.equal(stepPhotoPath(record, "p1"), "/rectifications/7/answers/u1/photos/p1/");
});

test("a re-check record goes to the rechecks path with its verdict and fix", () => {
  const fix = { lat: 29.5, lng: 106.4, accuracy: 8, captured_at: "2026-05-11T02:00:00Z", mock: false };
  const record = recheckRecord({ uuid: "u2", kase, owner: "insp", fixed: true, note: "", location: fix, photos: [], now: 1 });
  assert.equal(record.kind, RECHECK);
  assert.deepEqual(record.body, { fixed: true, note: "", location: fix, photos: [] });
  assert.equal(stepPath(record), "/rectifications/7/rechecks/u2/");
  assert.equal(isCaseRecord({ uuid: "x" }), false);
});

test("an answer needs a note, at most 1000 characters and 3 photos", () => {
  assert.equal(answerProblem("  ", []), "caseNoteRequired");
  assert.equal(answerProblem("x".repeat(1001), []), "caseNoteTooLong");
  assert.equal(answerProblem("ok", [1, 2, 3, 4]), "casePhotosTooMany");
  assert.equal(answerProblem("ok", [1, 2, 3]), null);
});

test("the outbox sends the step, then its photos, and is done when the server says complete", () => {
  let record = answerRecord({ uuid: "u1", kase, owner: "pc", note: "已清理", photos: [photo], now: 0 });
  assert.deepEqual(nextRequest(record), { kind: "inspection" });
  record = applyResponse(record, { kind: "inspection", status: 201, now: 1,
    body: { uuid: "u1", status: "awaiting_photos", missing_photos: ["p1"], case: {} } });
  assert.deepEqual(nextRequest(record), { kind: "photo", uuid: "p1" });
  record = applyResponse(record, { kind: "photo", uuid: "p1", status: 201, now: 2,
    body: { uuid: "p1", step: { uuid: "u1", status: "complete", missing_photos: [] } } });
  assert.equal(record.state, "done");
  const conflict = applyResponse(answerRecord({ uuid: "u3", kase, owner: "pc", note: "x", photos: [], now: 0 }),
    { kind: "inspection", status: 409, now: 1, body: { error: { code: "conflict", message: "不同的内容" } } });
  assert.equal(conflict.state, "attention");
});

test("the list says what this phone did to each case, and puts overdue cases first", () => {
  const records = [
    { kind: ANSWER, caseId: 7, state: "queued", createdAt: 2 },
    { kind: RECHECK, caseId: 8, state: "queued", createdAt: 2 },
    { kind: ANSWER, caseId: 9, state: "done", createdAt: 1 },
  ];
  const cases = [{ id: 7 }, { id: 8 }, { id: 9 }];
  assert.deepEqual(casesWithLocal(cases, records, ANSWER).map((c) => c.local), ["queued", null, "sent"]);
  // Sent before the pack was fetched: the pack's state says it already.
  const sentEarlier = [{ kind: ANSWER, caseId: 9, state: "done", createdAt: 1, doneAt: 10 }];
  assert.deepEqual(casesWithLocal(cases, sentEarlier, ANSWER, 20).map((c) => c.local), [null, null, null]);
  assert.deepEqual(casesWithLocal(cases, sentEarlier, ANSWER, 5).map((c) => c.local), [null, null, "sent"]);
  const sorted = sortCases([
    { number: "B", deadline: "2026-05-20", overdue: false },
    { number: "A", deadline: "2026-05-22", overdue: true },
    { number: "C", deadline: "2026-05-18", overdue: false },
  ]);
  assert.deepEqual(sorted.map((c) => c.number), ["A", "C", "B"]);
});
