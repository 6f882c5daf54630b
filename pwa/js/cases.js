// Rectification cases (整改) on the phone, pure: no IndexedDB, no fetch, no clock. The responsible party answers a
// case (a note and up to three after-photos); an inspector re-checks it on site (fixed or not, a note, photos, the
// GPS fix). Both become outbox records of their own kind beside inspections, sent by the same state machine
// (outbox.js) to their own idempotent PUTs: the record's uuid is the step's client UUID, for ever.

export const ANSWER = "case_answer";
export const RECHECK = "case_recheck";
export const NOTE_MAX = 1000;
export const PHOTOS_MAX = 3;

/** Whether a record is a case step (not an inspection). */
export function isCaseRecord(record) {
  return record?.kind === ANSWER || record?.kind === RECHECK;
}

/** The API path of a case step's JSON, relative to /api/v1. */
export function stepPath(record) {
  const step = record.kind === RECHECK ? "rechecks" : "answers";
  return `/rectifications/${encodeURIComponent(record.caseId)}/${step}/${record.uuid}/`;
}

/** The API path of one of the step's photos. */
export function stepPhotoPath(record, photoUuid) {
  return `${stepPath(record)}photos/${photoUuid}/`;
}

/**
 * Why an answer cannot be queued yet, as a translation key, or null when it can.
 * @param {string} note
 * @param {object[]} photos
 */
export function answerProblem(note, photos) {
  const text = String(note || "").trim();
  if (!text) return "caseNoteRequired";
  if (text.length > NOTE_MAX) return "caseNoteTooLong";
  if ((photos || []).length > PHOTOS_MAX) return "casePhotosTooMany";
  return null;
}

function manifest(photos) {
  return (photos || []).map((p) => ({ uuid: p.uuid, sha256: p.sha256, bytes: p.bytes }));
}

/**
 * A queued answer: {uuid, kind, caseId, owner, state: "queued", body: {note, photos}}; `placeName` and `regime`
 * are what the outbox list shows for any record.
 */
export function answerRecord({ uuid, kase, owner, note, photos, now }) {
  return {
    uuid, kind: ANSWER, caseId: kase.id, caseNumber: kase.number, owner, state: "queued", createdAt: now,
    placeName: `${kase.number} ${kase.place_name}`, regime: ANSWER, place: kase.place,
    body: { note: String(note).trim(), photos: manifest(photos) },
  };
}

/** A queued re-check: `fixed` is the verdict on the case's item; `location` the fix or null. */
export function recheckRecord({ uuid, kase, owner, fixed, note, location, photos, now }) {
  return {
    uuid, kind: RECHECK, caseId: kase.id, caseNumber: kase.number, owner, state: "queued", createdAt: now,
    placeName: `${kase.number} ${kase.place_name}`, regime: RECHECK, place: kase.place,
    body: { fixed: Boolean(fixed), note: String(note || "").trim(), location: location || null, photos: manifest(photos) },
  };
}

/**
 * The cases to show, each with what this phone already did to it: `local` is "queued" (waiting in the outbox),
 * "sent" (the server has it; the next pack will say so) or null.
 * @param {object[]} cases from the pack
 * @param {object[]} records this user's outbox records
 * @param {string} kind ANSWER or RECHECK
 * @param {number} packAt when the pack was fetched: a step sent before it is in the pack's state already
 */
export function casesWithLocal(cases, records, kind, packAt = 0) {
  const latest = new Map();
  for (const record of records || []) {
    if (record.kind !== kind) continue;
    const previous = latest.get(record.caseId);
    if (!previous || (record.createdAt || 0) > (previous.createdAt || 0)) latest.set(record.caseId, record);
  }
  return (cases || []).map((kase) => {
    const record = latest.get(kase.id);
    if (!record || (record.state === "done" && (record.doneAt || 0) < packAt)) return { ...kase, local: null };
    const local = record.state === "done" ? "sent" : "queued";
    return { ...kase, local };
  });
}

/** Overdue first, then by deadline (ISO dates compare as text), then by number. */
export function sortCases(cases) {
  return [...cases].sort((a, b) => Number(b.overdue) - Number(a.overdue)
    || String(a.deadline).localeCompare(String(b.deadline)) || String(a.number).localeCompare(String(b.number)));
}
