// The place list's logic, pure: search and order, grouping by compound, and the due and done marks.
import { distanceM } from "./geo.js";

/** Rows shown at most; beyond it the list says so and asks for a search. */
export const LIST_CAP = 60;

/** Places with their distance from the fix, nearest first; by code when there is no fix. */
export function orderPlaces(places, fix, query) {
  const q = (query || "").trim().toLowerCase();
  const matching = q ? places.filter((p) => p.name.toLowerCase().includes(q) || p.code.toLowerCase().includes(q)) : places;
  const withDistance = matching.map((place) => ({
    place,
    distance: fix && place.lat != null ? distanceM(fix.lat, fix.lng, Number(place.lat), Number(place.lng)) : null,
  }));
  return withDistance.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.place.code.localeCompare(b.place.code));
}

/**
 * Ordered rows in groups: a compound (or unit) with its bin stations under it; a community, a compound or a unit
 * without stations is a group of its own. Groups keep the order of their nearest row; the group's own place comes
 * first when it is among the rows.
 * @param {{place: object, distance: number|null}[]} rows ordered
 * @param {Map<string, object>} byCode every place of the pack (names a station's compound that the search left out)
 * @returns {{code: string, place: object|null, rows: object[]}[]}
 */
export function groupPlaces(rows, byCode = new Map()) {
  const groups = new Map();
  for (const row of rows) {
    const { place } = row;
    const code = place.kind === "bin_station" && place.parent ? place.parent : place.code;
    if (!groups.has(code)) groups.set(code, { code, place: byCode.get(code) || (code === place.code ? place : null), rows: [] });
    const group = groups.get(code);
    if (place.code === code) group.rows.unshift(row);
    else group.rows.push(row);
  }
  return [...groups.values()];
}

/** Where the current week (Monday), month or quarter of a regime began, in the phone's local calendar. */
export function periodStart(regime, now = new Date()) {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (regime === "weekly_guidance") {
    day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
    return day;
  }
  if (regime === "quarterly_assessment") return new Date(now.getFullYear(), now.getMonth() - (now.getMonth() % 3), 1);
  return new Date(now.getFullYear(), now.getMonth(), 1);
}

/**
 * What this phone knows was done in the current period of each regime: place code → set of regimes. From the
 * user's finished records (queued, needing attention or uploaded) and the server's list cached for the history
 * (voided ones left out), so a mark appears as soon as an inspection is finished, online or not.
 * @param {object[]} records the user's local records
 * @param {object[]} serverItems the cached `GET /inspections/` results
 */
export function doneThisPeriod(records, serverItems, now = new Date()) {
  const done = new Map();
  const add = (code, regime, at) => {
    if (!code || !regime || !(at >= periodStart(regime, now).getTime())) return;
    if (!done.has(code)) done.set(code, new Set());
    done.get(code).add(regime);
  };
  for (const record of records || []) {
    if (record.state === "draft") continue;
    add(record.place, record.regime, Date.parse(record.finishedAt || record.body?.finished_at));
  }
  for (const item of serverItems || []) {
    if (!item.voided) add(item.place, item.regime, Date.parse(item.inspected_at || item.received_at));
  }
  return done;
}

function localDate(now) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The places still due from this user: the pack's assignments that are not past their date and that this phone
 * has not already visited this period (a visit to one of a compound's bin stations counts for the compound, as
 * on the server).
 * @returns {Map<string, object>} code → assignment
 */
export function duePlaces(assignments, done, places, now = new Date()) {
  const visited = new Set();
  for (const place of places || []) {
    if (!done.get(place.code)?.has("weekly_guidance")) continue;
    visited.add(place.code);
    if (place.kind === "bin_station" && place.parent) visited.add(place.parent);
  }
  const today = localDate(now);
  const due = new Map();
  for (const assignment of assignments || []) {
    const stale = assignment.due_by && assignment.due_by < today;
    if (!stale && !done.get(assignment.place)?.has(assignment.regime) && !visited.has(assignment.place)) {
      due.set(assignment.place, assignment);
    }
  }
  return due;
}
