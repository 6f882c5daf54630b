// The outbox state machine and its backoff (SYNC.md, PWA rules 2–3), without IndexedDB or a network.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BACKOFF_CAP_MS, BACKOFF_START_MS, HISTORY_KEEP_MS, acknowledge, applyResponse, backoffDelayMs, classify,
  expiredHistory, heldWithoutPhotos, isDue, nextRequest, requeue, unsent, waitingFor,
} from "../../pwa/js/outbox.js";

const queued = (extra = {}) => ({
  uuid: "i1", owner: "wang", state: "queued", sync: {},
  body: { photos: [{ uuid: "p1" }, { uuid: "p2" }] }, ...extra,
});

test("backoff starts at 5 s, doubles, stops growing at 5 min and never gives up", () => {
  const middle = () => 0.5;
  assert.equal(backoffDelayMs(1, middle), BACKOFF_START_MS);
  assert.equal(backoffDelayMs(2, middle), 10_000);
  assert.equal(backoffDelayMs(3, middle), 20_000);
  assert.equal(backoffDelayMs(7, middle), BACKOFF_CAP_MS);
  assert.equal(backoffDelayMs(1000, middle), BACKOFF_CAP_MS);
});

test("backoff jitter stays within ±20% and inside 5 s … 5 min", () => {
  for (const attempts of [1, 2, 3, 4, 5, 6, 7, 50]) {
    for (const r of [0, 0.25, 0.999]) {
      const delay = backoffDelayMs(attempts, () => r);
      assert.ok(delay >= BACKOFF_START_MS && delay <= BACKOFF_CAP_MS, `${attempts} ${r} → ${delay}`);
    }
  }
  assert.equal(backoffDelayMs(3, () => 0), 16_000);
  assert.equal(backoffDelayMs(3, () => 0.999), 23_992);
});

test("answers are classified per SYNC.md", () => {
  assert.equal(classify(201, "inspection"), "ok");
  assert.equal(classify(200, "photo"), "ok");
  for (const status of [0, 408, 429, 500, 502, 503]) assert.equal(classify(status, "inspection"), "retry");
  assert.equal(classify(401, "inspection"), "auth");
  assert.equal(classify(404, "photo"), "resend");
  for (const status of [400, 403, 404, 409, 413]) assert.equal(classify(status, "inspection"), "attention");
  assert.equal(classify(409, "photo"), "attention");
});

test("a new record sends its JSON first, then each missing photo, then nothing", () => {
  assert.deepEqual(nextRequest(queued()), { kind: "inspection" });
  const awaiting = queued({ sync: { server: { status: "awaiting_photos", missing_photos: ["p2", "p1"] } } });
  assert.deepEqual(nextRequest(awaiting), { kind: "photo", uuid: "p2" });
  assert.deepEqual(nextRequest(queued({ sync: { server: { status: "complete", missing_photos: [] } } })), { kind: "none" });
});

test("the record leaves the outbox only when the server says complete", () => {
  const now = 1_000_000;
  let record = applyResponse(queued(), { kind: "inspection", status: 201, now,
    body: { status: "awaiting_photos", missing_photos: ["p1", "p2"], score: 82 } });
  assert.equal(record.state, "queued");
  record = applyResponse(record, { kind: "photo", uuid: "p1", status: 201, now,
    body: { uuid: "p1", inspection: { status: "awaiting_photos", missing_photos: ["p2"] } } });
  assert.equal(record.state, "queued");
  assert.deepEqual(nextRequest(record), { kind: "photo", uuid: "p2" });
  record = applyResponse(record, { kind: "photo", uuid: "p2", status: 200, now,
    body: { status: "complete", missing_photos: [], score: 82, grade: "good", flags: [] } });
  assert.equal(record.state, "done");
  assert.equal(record.doneAt, now);
  assert.equal(record.sync.server.grade, "good");
  assert.deepEqual(unsent([record]), []);
});

test("a photo answer without a status body still strikes that photo off", () => {
  const record = queued({ sync: { server: { status: "awaiting_photos", missing_photos: ["p1", "p2"] } } });
  const next = applyResponse(record, { kind: "photo", uuid: "p1", status: 201, now: 1, body: { uuid: "p1" } });
  assert.deepEqual(next.sync.server.missing_photos, ["p2"]);
});

test("network errors and 5xx back off and keep the record; attempts grow", () => {
  const now = 50_000;
  let record = applyResponse(queued(), { kind: "inspection", status: 0, now, random: () => 0.5 });
  assert.equal(record.state, "queued");
  assert.equal(record.sync.attempts, 1);
  assert.equal(record.sync.nextAt, now + 5_000);
  assert.equal(record.sync.waiting, "network");
  assert.equal(isDue(record, now + 4_999), false);
  assert.equal(isDue(record, now + 5_000), true);
  record = applyResponse(record, { kind: "inspection", status: 500, now, random: () => 0.5 });
  assert.equal(record.sync.attempts, 2);
  assert.equal(record.sync.nextAt, now + 10_000);
  assert.equal(record.sync.waiting, "retry");
  record = applyResponse(record, { kind: "inspection", status: 201, now, body: { status: "awaiting_photos", missing_photos: ["p1"] } });
  assert.equal(record.sync.attempts, 0);
  assert.equal(isDue(record, now), true);
});

test("a photo refused with 404 makes the client send the inspection again", () => {
  const record = queued({ sync: { server: { status: "awaiting_photos", missing_photos: ["p1"] } } });
  const next = applyResponse(record, { kind: "photo", uuid: "p1", status: 404, now: 1 });
  assert.equal(next.state, "queued");
  assert.deepEqual(nextRequest(next), { kind: "inspection" });
});

test("other 4xx need attention with the server's message and are never dropped", () => {
  const body = { error: { code: "out_of_scope", message: "该地点不在您的检查范围内", fields: {} } };
  const next = applyResponse(queued(), { kind: "inspection", status: 403, now: 1, body });
  assert.equal(next.state, "attention");
  assert.equal(next.sync.error, "该地点不在您的检查范围内");
  assert.equal(next.sync.errorCode, "out_of_scope");
  assert.deepEqual(unsent([next]).map((r) => r.uuid), ["i1"]);
  assert.deepEqual(waitingFor(next, 1, true), { key: "attention", vars: { m: "该地点不在您的检查范围内" } });
  const again = requeue(next);
  assert.equal(again.state, "queued");
  assert.equal(isDue(again, 1), true);
});

test("a 401 that reaches the state machine waits for a login and does not count as an attempt", () => {
  const next = applyResponse(queued(), { kind: "inspection", status: 401, now: 1 });
  assert.equal(next.state, "queued");
  assert.equal(next.sync.attempts, undefined);
  assert.deepEqual(waitingFor(next, 1, true), { key: "waitLogin" });
});

test("what a record waits for is always explained", () => {
  assert.deepEqual(waitingFor(queued(), 0, false), { key: "waitNetwork" });
  assert.deepEqual(waitingFor(queued({ sync: { nextAt: 12_500 } }), 10_000, true), { key: "waitRetry", vars: { s: 3 } });
  assert.deepEqual(waitingFor(queued({ sync: { server: { status: "awaiting_photos", missing_photos: ["p2"] } } }), 0, true),
    { key: "waitPhotos", vars: { a: 1, b: 2 } });
  assert.deepEqual(waitingFor(queued(), 0, true), { key: "sending" });
});

test("drafts are not unsent records and history expires after 30 days", () => {
  const records = [queued(), { uuid: "d", state: "draft" }, { uuid: "old", state: "done", doneAt: 0 }, { uuid: "new", state: "done", doneAt: 10 }];
  assert.deepEqual(unsent(records).map((r) => r.uuid), ["i1"]);
  assert.deepEqual(expiredHistory(records, HISTORY_KEEP_MS + 5).map((r) => r.uuid), ["old"]);
  assert.equal(isDue({ state: "draft", sync: {} }, 0), false);
});

test("a photo the server refused up front is never sent, and the completed record waits for the inspector's eye", () => {
  const refusal = { uuid: "p1", item: "BS06", code: "too_large", limit: 10485760, message: "照片过大：最大 10 MB。" };
  const record = queued({ body: { photos: [{ uuid: "p1", item: "BS06" }, { uuid: "p2", item: "BS08" }] } });
  let next = applyResponse(record, { kind: "inspection", status: 201, now: 5,
    body: { status: "awaiting_photos", missing_photos: ["p2"], refused_photos: [refusal] } });
  assert.equal(next.state, "queued");
  assert.deepEqual(nextRequest(next), { kind: "photo", uuid: "p2" });
  assert.deepEqual(waitingFor(next, 5, true), { key: "waitPhotos", vars: { a: 0, b: 1 } });
  next = applyResponse(next, { kind: "photo", uuid: "p2", status: 201, now: 6,
    body: { uuid: "p2", inspection: { status: "complete", missing_photos: [], refused_photos: [refusal] } } });
  assert.equal(next.state, "attention");
  assert.deepEqual(next.sync.refused, [{ uuid: "p1", item: "BS06", code: "too_large", message: "照片过大：最大 10 MB。" }]);
  assert.equal(next.sync.error, "BS06: 照片过大：最大 10 MB。");
  assert.deepEqual(waitingFor(next, 6, true), { key: "photosRefused", vars: { n: 1 } });
  assert.equal(heldWithoutPhotos(next), true);
  assert.deepEqual(nextRequest(next), { kind: "none" });
  assert.deepEqual(unsent([next]).map((r) => r.uuid), ["i1"]);  // still shown until seen
  const seen = acknowledge(next, 7);
  assert.equal(seen.state, "done");
  assert.equal(seen.doneAt, 7);
  assert.deepEqual(unsent([seen]), []);
});

test("a photo PUT refused for good marks that photo, and a requeue forgets it", () => {
  const record = queued({ body: { photos: [{ uuid: "p1", item: "BS06" }] },
    sync: { server: { status: "awaiting_photos", missing_photos: ["p1"] } } });
  const body = { error: { code: "too_many_pixels", message: "照片像素过多：最多 50 百万像素。", fields: {} } };
  const next = applyResponse(record, { kind: "photo", uuid: "p1", status: 413, now: 1, body });
  assert.equal(next.state, "attention");
  assert.deepEqual(next.sync.refused, [{ uuid: "p1", item: "BS06", code: "too_many_pixels", message: "照片像素过多：最多 50 百万像素。" }]);
  assert.equal(next.sync.error, "BS06: 照片像素过多：最多 50 百万像素。");
  assert.equal(heldWithoutPhotos(next), false);  // the server still waits for it: "upload now" is the way on
  assert.deepEqual(requeue(next).sync.refused, []);
  const done = applyResponse(queued(), { kind: "inspection", status: 201, now: 1, body: { status: "complete", missing_photos: [] } });
  assert.equal(done.state, "done");
});
