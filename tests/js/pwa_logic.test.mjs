// The PWA's other pure pieces: the inspection document, the pack look-ups, distances, notices and words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { answerList, answerValues, inspectionBody } from "../../pwa/js/document.js";
import { assessFix, distanceM } from "../../pwa/js/geo.js";
import { formatDistance, getLang, initLang, setLang, t } from "../../pwa/js/i18n.js";
import { isIosBrowser, lowOnSpace } from "../../pwa/js/notices.js";
import { checklistFor, placeByCode, placeByQr, qrToken, regimesFor } from "../../pwa/js/pack.js";
import { answerErrors, photoProblems, provisionalResult } from "../../pwa/js/provisional.js";

const ITEMS = [
  { code: "A", type: "check", points: 20, photo: "on_fail", veto: false },
  { code: "B", type: "deduct", points: 30, per_fault: 2, photo: "optional", veto: false },
  { code: "C", type: "percent", points: 40, target: 90, per_percent: 2, photo: "always", veto: false },
  { code: "D", type: "check", points: 10, photo: "never", veto: true },
  { code: "N", type: "text", points: 0, photo: "optional", veto: false },
];

const PACK = {
  user: { username: "wang", regimes: ["weekly_guidance", "monthly_covert"] },
  places: [
    { code: "LF-01-01-BS01", name: "1号桶站", kind: "bin_station", lat: 29.563, lng: 106.456, radius_m: 100, qr: "tok123" },
    { code: "LF-01-01", name: "梨树湾小区", kind: "compound", lat: 29.564, lng: 106.457, radius_m: 300, qr: "tok999" },
  ],
  checklists: [
    { id: 7, place_kind: "bin_station", regime: "monthly_covert", items: ITEMS },
    { id: 8, place_kind: "bin_station", regime: "quarterly_assessment", items: ITEMS },
  ],
};

test("the document lists answered items in checklist order, notes kept, unanswered left out", () => {
  const answers = { C: { value: { checked: 12, wrong: 2 } }, A: { value: "pass", note: "好" }, B: { value: undefined, note: "看不清" }, N: { value: undefined } };
  assert.deepEqual(answerList(answers, ITEMS), [
    { item: "A", value: "pass", note: "好" },
    { item: "B", value: "na", note: "看不清" },
    { item: "C", value: { checked: 12, wrong: 2 } },
  ]);
  assert.deepEqual(answerValues(answers), { C: { checked: 12, wrong: 2 }, A: "pass" });
});

test("the inspection body has exactly the fields of SYNC.md", () => {
  const record = {
    checklist: 7, place: "LF-01-01-BS01", regime: "monthly_covert", startedAt: "2026-05-10T01:12:03.000Z",
    location: { lat: 29.5, lng: 106.4, accuracy: 12.5, captured_at: "2026-05-10T01:13:00.000Z" },
    answers: { A: { value: "fail" } },
    photos: [{ uuid: "p1", item: "A", sha256: "ab", bytes: 10, extra: "not sent" }],
  };
  const body = inspectionBody(record, { deviceId: "dev", finishedAt: "2026-05-10T01:20:41.000Z", items: ITEMS });
  assert.deepEqual(Object.keys(body).sort(),
    ["answers", "checklist_version", "device_id", "finished_at", "location", "photos", "place", "regime", "started_at"]);
  assert.equal(body.location.mock, false);
  assert.deepEqual(body.photos, [{ uuid: "p1", item: "A", sha256: "ab", bytes: 10 }]);
  assert.equal(inspectionBody({ ...record, location: null }, { deviceId: "d", finishedAt: "x", items: ITEMS }).location, null);
});

test("the provisional score is SCORING.md's worked example 3, and invalid answers are caught", () => {
  const answers = { A: { value: "pass" }, B: { value: 20 }, C: { value: { checked: 12, wrong: 2 } }, D: { value: "fail" } };
  const result = provisionalResult(ITEMS, answers);
  assert.equal(result.score, "46.6");
  assert.equal(result.grade, "fail");
  assert.equal(result.vetoed, true);
  assert.deepEqual([...result.photoRequired].sort(), ["C"]);
  assert.deepEqual(photoProblems(ITEMS, answers, []), ["C"]);
  assert.deepEqual(photoProblems(ITEMS, answers, [{ item: "C" }]), []);
  assert.deepEqual(photoProblems(ITEMS, answers, [{ item: "C" }, { item: "D" }]), ["D"]);
  const wrong = { C: { value: { checked: 2, wrong: 5 } } };
  assert.deepEqual(Object.keys(answerErrors(ITEMS, wrong)), ["C"]);
  assert.equal(provisionalResult(ITEMS, wrong).score, null);
});

test("places are found by code and by a scanned label, as token or as the whole link", () => {
  assert.equal(placeByCode(PACK, "LF-01-01").name, "梨树湾小区");
  assert.equal(qrToken("https://patrol.example.cn/q/tok123"), "tok123");
  assert.equal(placeByQr(PACK, "https://patrol.example.cn/q/tok123?x=1").code, "LF-01-01-BS01");
  assert.equal(placeByQr(PACK, "/q/tok999").code, "LF-01-01");
  assert.equal(placeByQr(PACK, "tok123").code, "LF-01-01-BS01");
  assert.equal(placeByQr(PACK, "https://elsewhere/q/nope"), null);
  assert.equal(placeByQr(PACK, ""), null);
});

test("only the user's regimes that have a checklist for the kind are offered", () => {
  assert.deepEqual(regimesFor(PACK, "bin_station"), ["monthly_covert"]);
  assert.deepEqual(regimesFor(PACK, "compound"), []);
  assert.equal(checklistFor(PACK, "bin_station", "monthly_covert").id, 7);
  assert.equal(checklistFor(PACK, "bin_station", "weekly_guidance"), null);
});

test("distances and GPS warnings", () => {
  const oneKmNorth = distanceM(29.563, 106.456, 29.572, 106.456);
  assert.ok(Math.abs(oneKmNorth - 1000.8) < 1, oneKmNorth);
  const place = PACK.places[0];
  assert.deepEqual(assessFix({ lat: 29.563, lng: 106.456, accuracy: 10 }, place), { distance: 0, far: false, poor: false, none: false, radius: 100 });
  const far = assessFix({ lat: 29.572, lng: 106.456, accuracy: 80 }, place);
  assert.equal(far.far, true);
  assert.equal(far.poor, true);
  assert.equal(assessFix(null, place).none, true);
  assert.equal(formatDistance(532.4), "532 m");
  assert.equal(formatDistance(1234), "1.2 km");
});

test("low-space warning under 20% free, iPhone hint only in Safari outside the Home Screen", () => {
  assert.equal(lowOnSpace({ quota: 100, usage: 81 }), true);
  assert.equal(lowOnSpace({ quota: 100, usage: 80 }), false);
  assert.equal(lowOnSpace(null), false);
  const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1";
  assert.equal(isIosBrowser(iphone, false), true);
  assert.equal(isIosBrowser(iphone, true), false);
  assert.equal(isIosBrowser("Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile", false), false);
});

test("Chinese by default, English on request and remembered, placeholders filled", () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  assert.equal(initLang(storage), "zh");
  assert.equal(t("unsynced", { n: 3 }), "3 条未上传");
  setLang("en", storage);
  assert.equal(t("unsynced", { n: 3 }), "3 unsent");
  assert.equal(initLang(storage), "en");
  assert.equal(getLang(), "en");
  assert.equal(t("no-such-key"), "no-such-key");
  setLang("zh", storage);
});

test("history merges this phone's completed records with the server's list, the server winning", async () => {
  const { mergeHistory } = await import("../../pwa/js/views/history.js");
  const local = [
    { uuid: "u1", placeName: "1号桶站", regime: "monthly_covert", doneAt: Date.parse("2026-05-10T02:00:00Z"),
      sync: { server: { score: 82, grade: "good", vetoed: false, flags: ["far_from_place"] } } },
    { uuid: "u2", placeName: "2号桶站", regime: "weekly_guidance", doneAt: Date.parse("2026-05-11T02:00:00Z"), sync: {} },
  ];
  const server = [{ uuid: "u1", place: "BS01", place_name: "1号桶站", regime: "monthly_covert", score: 82, grade: "good",
    vetoed: false, voided: true, flags: ["far_from_place"], inspected_at: "2026-05-10T10:00:00+08:00" }];
  const merged = mergeHistory(local, server);
  assert.deepEqual(merged.map((e) => e.uuid), ["u2", "u1"]);
  assert.equal(merged[1].voided, true);
  assert.deepEqual(merged[1].flags, ["far_from_place"]);
  assert.deepEqual(mergeHistory(local, undefined).map((e) => e.uuid), ["u2", "u1"]);
});
