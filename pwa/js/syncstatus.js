// What the app tells the inspector about uploading, pure: the offline banner, why "upload now" cannot run, the
// cause of a retry and how many records a sync delivered. Each answer is a translation key with its values.

/** Whether this session can upload: it holds tokens (an offline unlock has none, an expired one needs a login). */
export function canUpload(session) {
  return Boolean(session && !session.expired && !session.loggedOut && session.access && session.refresh);
}

/** Whether the user works without tokens (unlocked offline, or the login ran out): the outbox waits for a login. */
export function needsOnlineLogin(session) {
  return Boolean(session && !session.loggedOut && !canUpload(session));
}

/**
 * The banner under the header, or null. `reachable` is false after a request got no answer although the phone
 * believed it was online (a dead Wi-Fi, the server down).
 */
export function networkBanner({ online, reachable = true, session }) {
  if (!session || session.loggedOut) return online ? null : { key: "bannerOffline" };
  if (!online) return { key: needsOnlineLogin(session) ? "bannerOfflineRelogin" : "bannerOffline" };
  if (!reachable) return { key: "bannerUnreachable" };
  if (needsOnlineLogin(session)) return { key: "needReloginToUpload", action: "relogin" };
  return null;
}

/** Why "upload now" cannot run (nothing to send, no login, offline), or null when it can. */
export function uploadBlocked({ online, session, unsentCount }) {
  if (!unsentCount) return { key: "nothingToSend" };
  if (needsOnlineLogin(session)) return { key: "needReloginToUpload" };
  if (!online) return { key: "uploadOffline", vars: { n: unsentCount } };
  return null;
}

/** The cause of a record's next retry, from what its last attempt got (outbox.js keeps `HTTP nnn` or nothing). */
export function retryCause(sync = {}, online = true) {
  const status = Number(/HTTP (\d+)/.exec(sync.error || "")?.[1]) || 0;
  if (status >= 500) return { key: "causeServer", vars: { code: status } };
  if (status === 429) return { key: "causeBusy" };
  if (status === 408) return { key: "causeTimeout" };
  if (!online) return { key: "causeOffline" };
  return { key: "causeNoAnswer" };
}

/** How many of the records unsent before a sync the server now holds complete. */
export function uploadedCount(unsentBefore, recordsAfter) {
  const before = new Set(unsentBefore.map((r) => r.uuid));
  return recordsAfter.filter((r) => before.has(r.uuid) && (r.state === "done" || r.sync?.server?.status === "complete")).length;
}

/** What a sync that was asked for ended with: uploaded N, and what still waits. */
export function syncReport({ uploaded, left, online, session }) {
  if (uploaded && !left) return { key: "uploadedN", vars: { n: uploaded } };
  if (uploaded) return { key: "uploadedSome", vars: { n: uploaded, m: left } };
  if (!left) return null;
  const blocked = uploadBlocked({ online, session, unsentCount: left });
  return blocked || { key: "notUploadedYet", vars: { m: left } };
}
