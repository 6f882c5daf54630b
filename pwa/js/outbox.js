// The outbox state machine (SYNC.md, PWA rules 2–4), pure: no IndexedDB, no fetch, no clock.
// A record is `draft` while the inspector works, `queued` once finished, `attention` when the server refused it
// (or one of its photos) for a reason a retry cannot fix, and `done` only when the server said `complete` (then it
// is history). A record the server completed without a photo it refused stays in `attention`, with the reason per
// photo in `sync.refused`, until the inspector has seen it (`acknowledge`). A record refused for its answers keeps
// the items the server named in `sync.refusal` (refusal.js), for the inspector to reopen and fix.
import { refusalOf, refusedForItems } from "./refusal.js";

export const BACKOFF_START_MS = 5_000;
export const BACKOFF_CAP_MS = 300_000;
export const HISTORY_KEEP_MS = 30 * 24 * 3600 * 1000;

/**
 * Delay before the next attempt after `attempts` failures: 5 s doubling to 5 min, with ±20% jitter so that
 * thirty phones coming back online together do not hit the server in step. Never gives up.
 * @param {number} attempts failures so far (≥ 1)
 * @param {() => number} random in [0, 1)
 */
export function backoffDelayMs(attempts, random = Math.random) {
  const exponent = Math.max(0, Math.min(attempts - 1, 16));
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** exponent);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(BACKOFF_CAP_MS, Math.max(BACKOFF_START_MS, jittered)));
}

/**
 * What an HTTP answer means for the record. `status` 0 stands for "no answer" (offline, aborted, dropped).
 * @returns {"ok"|"retry"|"auth"|"resend"|"attention"}
 */
export function classify(status, kind) {
  if (status === 200 || status === 201) return "ok";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  if (status === 401) return "auth";
  // A photo for an inspection the server has not received yet: send the inspection again first.
  if (status === 404 && kind === "photo") return "resend";
  return "attention";
}

/** The next request for a queued record: the inspection JSON, one missing photo, or nothing. */
export function nextRequest(record) {
  const server = record.sync?.server;
  if (!server) return { kind: "inspection" };
  if (server.status === "complete") return { kind: "none" };
  const missing = server.missing_photos || [];
  if (missing.length) return { kind: "photo", uuid: missing[0] };
  // Awaiting photos but none missing: ask again with the (idempotent) inspection PUT.
  return { kind: "inspection" };
}

export function isDue(record, now) {
  return record.state === "queued" && !(record.sync?.nextAt > now);
}

function withSync(record, changes) {
  return { ...record, sync: { ...(record.sync || {}), ...changes } };
}

/**
 * The record after one request. Pure: the caller stores the result.
 * @param {object} record
 * @param {{kind: string, uuid?: string, status: number, body?: object, now: number, random?: () => number}} outcome
 */
export function applyResponse(record, { kind, uuid, status, body, now, random = Math.random }) {
  const verdict = classify(status, kind);
  if (verdict === "ok") {
    // The inspection PUT answers with the status body; the photo PUT nests it under `inspection` (a case step's
    // photo PUT under `step`).
    let server = body?.status ? body : body?.inspection?.status ? body.inspection : body?.step?.status ? body.step : null;
    if (!server) {
      // A photo answer without the status body: drop that photo from the missing list ourselves.
      const previous = record.sync?.server || { status: "awaiting_photos", missing_photos: [] };
      server = { ...previous, missing_photos: (previous.missing_photos || []).filter((p) => p !== uuid) };
    }
    // The server's word on which photos it refused replaces whatever this phone concluded before.
    const refused = refusedPhotos(withSync(record, { refused: [] }), server.refused_photos);
    const next = withSync(record, { server, attempts: 0, nextAt: 0, error: null, waiting: null, refused });
    if (server.status === "complete" && refused.length) {
      // The server has the record, without these photos: nothing to retry, but the inspector must know.
      return { ...withSync(next, { error: refusalText(refused), errorCode: "photo_refused" }), state: "attention" };
    }
    if (server.status === "complete") return { ...next, state: "done", doneAt: now };
    return next;
  }
  if (verdict === "resend") return withSync(record, { server: null, waiting: null });
  if (verdict === "retry") {
    const attempts = (record.sync?.attempts || 0) + 1;
    return withSync(record, {
      attempts,
      nextAt: now + backoffDelayMs(attempts, random),
      waiting: status === 0 ? "network" : "retry",
      error: status ? `HTTP ${status}` : null,
    });
  }
  if (verdict === "auth") return withSync(record, { waiting: "login" });
  const message = body?.error?.message || `HTTP ${status}`;
  const code = body?.error?.code || null;
  const changes = { waiting: null, error: message, errorCode: code };
  if (kind === "inspection" && code === "invalid") changes.refusal = refusalOf(body?.error?.fields, record.body);
  if (kind === "photo" && uuid) {
    // This photo's bytes will not change: show which one the server would not take, and why.
    changes.refused = refusedPhotos(record, [{ uuid, code, message }]);
    changes.error = refusalText(changes.refused);
  }
  return { ...withSync(record, changes), state: "attention" };
}

/**
 * The refused photos of a record, known before and reported now, each with its item: [{uuid, item, code, message}].
 * @param {object} record
 * @param {object[] | undefined} reported the server's `refused_photos`, or one photo's error
 */
export function refusedPhotos(record, reported) {
  const items = new Map((record.body?.photos || []).map((p) => [p.uuid, p.item]));
  const byUuid = new Map((record.sync?.refused || []).map((p) => [p.uuid, p]));
  for (const p of reported || []) {
    byUuid.set(p.uuid, { uuid: p.uuid, item: p.item || items.get(p.uuid) || "", code: p.code || null, message: p.message || "" });
  }
  return [...byUuid.values()];
}

function refusalText(refused) {
  return refused.map((p) => (p.item ? `${p.item}: ${p.message}` : p.message)).join("; ");
}

/** Whether the server holds the record already (complete) and only its refused photos need the inspector's eye. */
export function heldWithoutPhotos(record) {
  return record.state === "attention" && record.sync?.server?.status === "complete" && (record.sync?.refused || []).length > 0;
}

/** The inspector has seen which photos were refused: the record becomes history like any completed one. */
export function acknowledge(record, now) {
  return { ...record, state: "done", doneAt: now };
}

/** Puts a record that needed attention back in the queue (after the user fixed the cause, e.g. their scope). */
export function requeue(record) {
  return { ...withSync(record, { attempts: 0, nextAt: 0, error: null, waiting: null, refused: [], refusal: null }), state: "queued" };
}

/**
 * What a record is waiting for, for the always-visible list: a translation key and its values.
 * @returns {{key: string, vars?: object}}
 */
export function waitingFor(record, now, online) {
  if (heldWithoutPhotos(record)) return { key: "photosRefused", vars: { n: record.sync.refused.length } };
  if (refusedForItems(record)) return { key: "itemsRefused", vars: { n: record.sync.refusal.items.length } };
  if (record.state === "attention") return { key: "attention", vars: { m: record.sync?.error || "" } };
  const sync = record.sync || {};
  if (sync.waiting === "login") return { key: "waitLogin" };
  if (!online) return { key: "waitNetwork" };
  if (sync.nextAt > now) return { key: "waitRetry", vars: { s: Math.ceil((sync.nextAt - now) / 1000) } };
  const server = sync.server;
  if (server && server.status === "awaiting_photos") {
    const total = (record.body?.photos || []).length - (server.refused_photos || []).length;
    return { key: "waitPhotos", vars: { a: total - (server.missing_photos || []).length, b: total } };
  }
  return { key: "sending" };
}

/** Records that count as unsent for the badge: everything finished that the server has not completed. */
export function unsent(records) {
  return records.filter((r) => r.state === "queued" || r.state === "attention");
}

/** History older than 30 days may go. */
export function expiredHistory(records, now) {
  return records.filter((r) => r.state === "done" && now - (r.doneAt || 0) > HISTORY_KEEP_MS);
}
