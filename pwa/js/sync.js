// Drains the current user's outbox (SYNC.md, PWA rules 2–3). Runs in a page or in the service worker
// (Background Sync); a Web Lock keeps it to one runner per browser, and the server's idempotent PUTs make a
// second runner harmless anyway. Every answer goes through the pure state machine in outbox.js.
import { AuthRequired, apiFetch, getSession } from "./api.js";
import { allBy, get, remove, update, writeMany } from "./db.js";
import { isCaseRecord, stepPath, stepPhotoPath } from "./cases.js";
import { applyResponse, expiredHistory, isDue, nextRequest } from "./outbox.js";

export const CHANNEL = "sortpatrol";

function announce(message) {
  try {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  } catch {
    // No BroadcastChannel (very old browsers): the timer refreshes the view instead.
  }
}

async function sendInspection(record) {
  // A case's answer or re-check (cases.js) goes to its own idempotent PUT, by the same rules.
  return apiFetch(isCaseRecord(record) ? stepPath(record) : `/inspections/${record.uuid}/`, {
    method: "PUT",
    // Browsers do not let fetch() set Date; the server measures the phone's clock skew from this instead.
    headers: { "Content-Type": "application/json", "X-Device-Date": new Date().toISOString() },
    body: JSON.stringify(record.body),
  });
}

async function sendPhoto(record, photoUuid) {
  const photo = await get("photos", photoUuid);
  if (!photo) return { status: 410, body: { error: { code: "photo_lost", message: `photo ${photoUuid} missing on this device` } } };
  const form = new FormData();
  form.append("file", new Blob([photo.data], { type: photo.type }), `${photoUuid}.jpg`);
  const path = isCaseRecord(record) ? stepPhotoPath(record, photoUuid) : `/inspections/${record.uuid}/photos/${photoUuid}`;
  return apiFetch(path, { method: "PUT", body: form });
}

/** Stores the new sync state unless the record changed state meanwhile (e.g. deleted by the user). */
async function store(next) {
  await update("records", next.uuid, (current) => (current && current.state === "queued" ? next : undefined));
  if (next.state === "done") {
    // The server holds every photo: free the phone's space, keep the record's metadata as history.
    const photos = await allBy("photos", "inspection", next.uuid);
    if (photos.length) await writeMany([], photos.map((p) => ["photos", p.uuid]));
  }
}

/** Sends one record as far as it goes. Returns false when the network or the login stops us. */
async function drain(record, now) {
  let current = record;
  for (let step = 0; step < 2 + (record.body?.photos?.length || 0) * 2; step += 1) {
    const request = nextRequest(current);
    if (request.kind === "none") return true;
    const answer = request.kind === "inspection" ? await sendInspection(current) : await sendPhoto(current, request.uuid);
    const next = applyResponse(current, { kind: request.kind, uuid: request.uuid, status: answer.status, body: answer.body, now: now() });
    await store(next);
    announce({ type: "outbox" });
    if (next.state !== "queued") return true;
    if (next.sync.nextAt > now()) return answer.status !== 0;
    current = next;
  }
  return true;
}

/**
 * One pass over the due records of the logged-in user. Safe to call from anywhere at any time.
 * @param {{now?: () => number, force?: boolean}} options force ignores backoff (the "upload now" button)
 * @returns {Promise<"done"|"busy"|"login"|"relogin"|"nosession">} "relogin": the user works unlocked offline,
 *   without tokens; the records wait for an online login (the app already shows it, so nothing is announced)
 */
export async function syncOutbox({ now = Date.now, force = false } = {}) {
  const session = await getSession();
  if (!session || session.expired) return session ? "login" : "nosession";
  if (!session.access) return "relogin";
  const run = async (lock) => {
    if (lock === null) return "busy";
    const mine = await allBy("records", "owner", session.username);
    for (const old of expiredHistory(mine, now())) await remove("records", old.uuid);
    const due = mine.filter((r) => r.state === "queued" && (force || isDue(r, now())));
    try {
      for (const record of due) {
        const fresh = await get("records", record.uuid);
        if (!fresh || fresh.state !== "queued") continue;
        const goOn = await drain(fresh, now);
        if (!goOn) break;
      }
    } catch (error) {
      if (error instanceof AuthRequired) {
        announce({ type: "login" });
        return "login";
      }
      throw error;
    }
    return "done";
  };
  if (globalThis.navigator?.locks) return navigator.locks.request("sortpatrol-sync", { ifAvailable: true }, run);
  return run(true);
}
