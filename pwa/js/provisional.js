// The provisional score on the phone, from the shared scoring rules in scoring.js (mirrored by the server).
import { checkAnswer, formatTenths, photoViolations, ruleFrom, scoreInspection } from "./scoring.js";
import { answerValues } from "./document.js";

/** Item code → message for answers the server would refuse (e.g. more wrong bags than checked). */
export function answerErrors(items, answers) {
  const values = answerValues(answers);
  const errors = {};
  for (const item of items) {
    if (!(item.code in values)) continue;
    try {
      checkAnswer(ruleFrom(item), values[item.code]);
    } catch (error) {
      errors[item.code] = error.message;
    }
  }
  return errors;
}

/**
 * The live score of a draft. Invalid answers are left out (shown as errors on their items).
 * @returns {{score: string|null, grade: string|null, vetoed: boolean, photoRequired: Set<string>, errors: object, result: object}}
 */
export function provisionalResult(items, answers) {
  const errors = answerErrors(items, answers);
  const values = Object.fromEntries(Object.entries(answerValues(answers)).filter(([code]) => !(code in errors)));
  const result = scoreInspection(items, values);
  return {
    score: result.score == null ? null : formatTenths(result.score),
    grade: result.grade ?? null,
    vetoed: Boolean(result.vetoed),
    photoRequired: new Set(result.items.filter((i) => i.photoRequired).map((i) => i.code)),
    errors,
    result,
  };
}

/** Item codes whose photo is missing (required) or not allowed; the server refuses such an inspection. */
export function photoProblems(items, answers, photos) {
  const { result } = provisionalResult(items, answers);
  return Object.keys(photoViolations(result, items, photos.map((p) => p.item)));
}
