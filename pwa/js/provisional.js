// The provisional score on the phone, from the shared scoring rules in scoring.js (mirrored by the server).
import * as scoring from "./scoring.js";
import { answerValues } from "./document.js";

/**
 * @returns {{score: number|null, grade: string|null, vetoed: boolean, photoRequired: Set<string>}}
 */
export function provisionalResult(items, answers) {
  const result = scoring.scoreInspection(items, answerValues(answers));
  return {
    score: result.score == null ? null : Number(result.score),
    grade: result.grade ?? null,
    vetoed: Boolean(result.vetoed),
    photoRequired: new Set((result.items || []).filter((i) => i.photoRequired ?? i.photo_required).map((i) => i.code)),
    raw: result,
  };
}

/** Item codes whose required photo is missing (the server would refuse the inspection without it). */
export function photoProblems(items, answers, photos) {
  const result = provisionalResult(items, answers);
  const declared = new Set(photos.map((p) => p.item));
  return [...result.photoRequired].filter((code) => !declared.has(code));
}
