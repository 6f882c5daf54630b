// Offline unlock, the upload messages and the place list's grouping and marks (issue 11, points 5 and 6).
import assert from "node:assert/strict";
import { test } from "node:test";

import { doneThisPeriod, duePlaces, groupPlaces, orderPlaces, periodStart } from "../../pwa/js/placelist.js";
import {
  canUpload, needsOnlineLogin, networkBanner, retryCause, syncReport, uploadBlocked, uploadedCount,
} from "../../pwa/js/syncstatus.js";
import { UNLOCK_ITERATIONS, makeVerifier, verifyPassword } from "../../pwa/js/unlock.js";

const FEW = 1_000; // the real count is slow on purpose; the tests inject a small one

test("a verifier checks the password without keeping it, with a random salt", async () => {
  assert.ok(UNLOCK_ITERATIONS >= 100_000);
  const verifier = await makeVerifier("correct horse", { iterations: FEW });
  assert.equal(verifier.algorithm, "PBKDF2-SHA-256");
  assert.equal(verifier.iterations, FEW);
  assert.match(verifier.salt, /^[0-9a-f]{32}$/);
  assert.match(verifier.hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(verifier).includes("correct horse"));
  assert.equal(await verifyPassword("correct horse", verifier), true);
  assert.equal(await verifyPassword("correct hors", verifier), false);
  assert.equal(await verifyPassword("", verifier), false);
  assert.equal(await verifyPassword("correct horse", null), false);
  const again = await makeVerifier("correct horse", { iterations: FEW });
  assert.notEqual(again.salt, verifier.salt);
  assert.notEqual(again.hash, verifier.hash);
});

test("the hash is PBKDF2-SHA-256 as specified (RFC 7914's test vector)", async () => {
  const salt = new TextEncoder().encode("salt");
  const verifier = await makeVerifier("passwd", { iterations: 1, salt });
  assert.equal(verifier.hash, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  assert.equal(await verifyPassword("passwd", { ...verifier, iterations: 2 }), false);
});

const SESSION = { username: "wang", access: "a", refresh: "r", expired: false };
const UNLOCKED = { username: "wang", expired: false, unlocked: true };

test("an unlocked session works but cannot upload; the banner and the upload button say why", () => {
  assert.equal(canUpload(SESSION), true);
  assert.equal(canUpload(UNLOCKED), false);
  assert.equal(needsOnlineLogin(UNLOCKED), true);
  assert.equal(needsOnlineLogin({ ...SESSION, loggedOut: true, expired: true }), false);

  assert.equal(networkBanner({ online: true, session: SESSION }), null);
  assert.equal(networkBanner({ online: false, session: SESSION }).key, "bannerOffline");
  assert.equal(networkBanner({ online: true, reachable: false, session: SESSION }).key, "bannerUnreachable");
  assert.equal(networkBanner({ online: false, session: UNLOCKED }).key, "bannerOfflineRelogin");
  assert.deepEqual(networkBanner({ online: true, session: UNLOCKED }), { key: "needReloginToUpload", action: "relogin" });

  assert.equal(uploadBlocked({ online: true, session: SESSION, unsentCount: 0 }).key, "nothingToSend");
  assert.equal(uploadBlocked({ online: false, session: UNLOCKED, unsentCount: 2 }).key, "needReloginToUpload");
  assert.deepEqual(uploadBlocked({ online: false, session: SESSION, unsentCount: 2 }), { key: "uploadOffline", vars: { n: 2 } });
  assert.equal(uploadBlocked({ online: true, session: SESSION, unsentCount: 2 }), null);
});

test("a retry names its cause", () => {
  assert.deepEqual(retryCause({ error: "HTTP 503", waiting: "retry" }), { key: "causeServer", vars: { code: 503 } });
  assert.equal(retryCause({ error: "HTTP 429" }).key, "causeBusy");
  assert.equal(retryCause({ error: "HTTP 408" }).key, "causeTimeout");
  assert.equal(retryCause({ error: null, waiting: "network" }, false).key, "causeOffline");
  assert.equal(retryCause({ error: null, waiting: "network" }, true).key, "causeNoAnswer");
});

test("a sync reports how many records the server now holds", () => {
  const before = [{ uuid: "1", state: "queued" }, { uuid: "2", state: "queued" }, { uuid: "3", state: "queued" }];
  const after = [
    { uuid: "1", state: "done" },
    { uuid: "2", state: "attention", sync: { server: { status: "complete" }, refused: [{}] } },
    { uuid: "3", state: "queued", sync: { error: "HTTP 500" } },
    { uuid: "4", state: "done" }, // done before this sync
  ];
  assert.equal(uploadedCount(before, after), 2);
  assert.deepEqual(syncReport({ uploaded: 3, left: 0, online: true, session: SESSION }), { key: "uploadedN", vars: { n: 3 } });
  assert.deepEqual(syncReport({ uploaded: 2, left: 1, online: true, session: SESSION }), { key: "uploadedSome", vars: { n: 2, m: 1 } });
  assert.equal(syncReport({ uploaded: 0, left: 0, online: true, session: SESSION }), null);
  assert.equal(syncReport({ uploaded: 0, left: 1, online: false, session: SESSION }).key, "uploadOffline");
  assert.equal(syncReport({ uploaded: 0, left: 1, online: true, session: SESSION }).key, "notUploadedYet");
});

const PLACES = [
  { code: "C1", name: "联芳社区", kind: "community", parent: null, lat: 29.5, lng: 106.4 },
  { code: "C1-P1", name: "梨树湾小区", kind: "compound", parent: "C1", lat: 29.51, lng: 106.4 },
  { code: "C1-P1-B1", name: "1号桶站", kind: "bin_station", parent: "C1-P1", lat: 29.5001, lng: 106.4 },
  { code: "C1-P1-B2", name: "2号桶站", kind: "bin_station", parent: "C1-P1", lat: 29.52, lng: 106.4 },
  { code: "C1-U1", name: "联芳小学", kind: "public_institution", parent: "C1", lat: 29.505, lng: 106.4 },
  { code: "C1-P2", name: "园丁小区", kind: "compound", parent: "C1", lat: null, lng: null },
];
const BY_CODE = new Map(PLACES.map((p) => [p.code, p]));
const codes = (groups) => groups.map((g) => [g.code, g.rows.map((r) => r.place.code)]);

test("bin stations go under their compound; communities and units are groups of their own", () => {
  const fix = { lat: 29.5, lng: 106.4 };
  const groups = groupPlaces(orderPlaces(PLACES, fix, ""), BY_CODE);
  assert.deepEqual(codes(groups), [
    ["C1", ["C1"]],
    ["C1-P1", ["C1-P1", "C1-P1-B1", "C1-P1-B2"]], // the compound heads its group though a station is nearer
    ["C1-U1", ["C1-U1"]],
    ["C1-P2", ["C1-P2"]], // no coordinates: last
  ]);
  assert.equal(groups[1].place.name, "梨树湾小区");
});

test("a station found by a search keeps its compound's name above it", () => {
  const groups = groupPlaces(orderPlaces(PLACES, null, "2号"), BY_CODE);
  assert.deepEqual(codes(groups), [["C1-P1", ["C1-P1-B2"]]]);
  assert.equal(groups[0].place.code, "C1-P1");
  assert.deepEqual(orderPlaces(PLACES, null, "没有这个"), []);
});

// Wednesday 13 May 2026, local time: the week began on Monday 11 May.
const NOW = new Date(2026, 4, 13, 10, 0);

test("periods begin on Monday, on the first of the month and of the quarter", () => {
  assert.deepEqual(periodStart("weekly_guidance", NOW), new Date(2026, 4, 11));
  assert.deepEqual(periodStart("weekly_guidance", new Date(2026, 4, 17, 23, 0)), new Date(2026, 4, 11));
  assert.deepEqual(periodStart("monthly_covert", NOW), new Date(2026, 4, 1));
  assert.deepEqual(periodStart("quarterly_assessment", NOW), new Date(2026, 3, 1));
});

test("done marks come from this phone's records and the cached history, this period only", () => {
  const records = [
    { place: "C1-P1-B1", regime: "weekly_guidance", state: "queued", finishedAt: new Date(2026, 4, 12).toISOString() },
    { place: "C1-U1", regime: "weekly_guidance", state: "done", finishedAt: new Date(2026, 4, 8).toISOString() }, // last week
    { place: "C1-P2", regime: "weekly_guidance", state: "draft", startedAt: new Date(2026, 4, 12).toISOString() },
    { place: "C1-U1", regime: "monthly_covert", state: "attention", body: { finished_at: new Date(2026, 4, 2).toISOString() } },
  ];
  const history = [
    { place: "C1-P2", regime: "weekly_guidance", inspected_at: new Date(2026, 4, 11, 9).toISOString(), voided: true },
    { place: "C1", regime: "quarterly_assessment", inspected_at: new Date(2026, 3, 20).toISOString() },
  ];
  const done = doneThisPeriod(records, history, NOW);
  assert.deepEqual(Object.fromEntries([...done].map(([code, set]) => [code, [...set]])), {
    "C1-P1-B1": ["weekly_guidance"], "C1-U1": ["monthly_covert"], C1: ["quarterly_assessment"],
  });
});

test("due marks: the pack's assignments, less what this phone did this week and what is past its date", () => {
  const week = (place) => ({ place, regime: "weekly_guidance", period: "2026-W20", due_by: "2026-05-17" });
  const assignments = [week("C1-P1"), week("C1-U1"), week("C1-P2"), { ...week("C1"), due_by: "2026-05-10" }];
  assert.deepEqual([...duePlaces(assignments, new Map(), PLACES, NOW).keys()], ["C1-P1", "C1-U1", "C1-P2"]);
  const done = new Map([["C1-P1-B2", new Set(["weekly_guidance"])], ["C1-U1", new Set(["monthly_covert"])]]);
  // A visit to one of its stations counts for the compound; a covert visit is not guidance.
  assert.deepEqual([...duePlaces(assignments, done, PLACES, NOW).keys()], ["C1-U1", "C1-P2"]);
  assert.deepEqual([...duePlaces(undefined, done, PLACES, NOW).keys()], []);
});
