// The offline pack (SYNC.md, server rule 8): everything needed to inspect for days without a network,
// stored per user and refreshed with If-None-Match so an unchanged pack costs one small request.
import { apiFetch } from "./api.js";
import { getKv, putKv } from "./db.js";

const key = (username) => `pack:${username}`;

/** The stored pack {data, etag, refreshedAt} of a user, or undefined. */
export function loadPack(username) {
  return getKv(key(username));
}

/** Fetches the pack when it changed. Returns the stored pack; keeps the old one when offline. */
export async function refreshPack(username) {
  const stored = await loadPack(username);
  const headers = stored?.etag ? { "If-None-Match": stored.etag } : {};
  const { status, body, headers: answer } = await apiFetch("/pack/", { headers });
  if (status === 304 && stored) {
    const next = { ...stored, refreshedAt: Date.now() };
    await putKv(key(username), next);
    return next;
  }
  if (status === 200 && body) {
    const next = { data: body, etag: answer.get("ETag"), refreshedAt: Date.now() };
    await putKv(key(username), next);
    return next;
  }
  return stored;
}

export function checklistFor(pack, placeKind, regime) {
  return (pack?.checklists || []).find((c) => c.place_kind === placeKind && c.regime === regime) || null;
}

export function checklistById(pack, id) {
  return (pack?.checklists || []).find((c) => c.id === id) || null;
}

export function placeByCode(pack, code) {
  return (pack?.places || []).find((p) => p.code === code) || null;
}

/** A QR label's link carries the place's token; a scan may return the whole URL or just the token. */
export function qrToken(text) {
  return String(text || "").trim().replace(/^.*\/q\//, "").replace(/[/?#].*$/, "");
}

export function placeByQr(pack, scanned) {
  const token = qrToken(scanned);
  return (token && (pack?.places || []).find((p) => p.qr && qrToken(p.qr) === token)) || null;
}

/** Regimes the user may run on this kind of place: the user's regimes that have a checklist for it. */
export function regimesFor(pack, placeKind) {
  const mine = pack?.user?.regimes || [];
  return mine.filter((regime) => checklistFor(pack, placeKind, regime));
}
