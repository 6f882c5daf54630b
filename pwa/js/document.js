// The inspection document of SYNC.md, built once when the inspector finishes and then frozen:
// the same bytes are sent on every retry, so the server sees one body per UUID.

/** Draft answers {code: {value, note}} → the document's answer list; unanswered items are left out (= "na"). */
export function answerList(answers, items) {
  const order = new Map(items.map((item, index) => [item.code, index]));
  return Object.entries(answers)
    .filter(([, answer]) => answer && (answer.value !== undefined || answer.note))
    .sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))
    .map(([item, answer]) => {
      const entry = { item, value: answer.value === undefined ? "na" : answer.value };
      if (answer.note) entry.note = answer.note;
      return entry;
    });
}

/** Draft answers → {code: value} for scoring. */
export function answerValues(answers) {
  return Object.fromEntries(Object.entries(answers).filter(([, a]) => a && a.value !== undefined).map(([code, a]) => [code, a.value]));
}

/**
 * @param {object} record the draft: uuid, place, regime, checklist, startedAt, location, answers, photos
 * @param {{deviceId: string, finishedAt: string, items: object[]}} context
 */
export function inspectionBody(record, { deviceId, finishedAt, items }) {
  return {
    checklist_version: record.checklist,
    place: record.place,
    regime: record.regime,
    device_id: deviceId,
    started_at: record.startedAt,
    finished_at: finishedAt,
    location: record.location
      ? { lat: record.location.lat, lng: record.location.lng, accuracy: record.location.accuracy,
          captured_at: record.location.captured_at, mock: Boolean(record.location.mock) }
      : null,
    answers: answerList(record.answers, items),
    photos: record.photos.map((p) => ({ uuid: p.uuid, item: p.item, sha256: p.sha256, bytes: p.bytes })),
  };
}
