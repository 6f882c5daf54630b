// The provisional score on the phone, from the shared scoring rules in scoring.js (mirrored by the server), and what
// still stands between a draft and "finished": the items the server would refuse it without (docs/sync.md).
import { NA, SCORED_TYPES, checkAnswer, formatTenths, mustAnswer, photoViolations, ruleFrom, scoreInspection } from "./scoring.js";
import { answerValues } from "./document.js";
import { t } from "./i18n.js";

/** What is wrong with an answer, in the user's words: AnswerError codes of scoring.js → i18n keys. */
const ANSWER_PROBLEMS = {
  bad_check: "answerBadCheck", bad_count: "answerBadCount", bad_sample: "answerBadSample",
  out_of_range: "answerOutOfRange", too_many_decimals: "answerTooManyDecimals", not_a_number: "answerNotANumber",
  not_text: "answerNotText", bad_choice: "answerBadChoice",
};

/** Item code → message for answers the server would refuse (e.g. more wrong bags than checked). */
export function answerErrors(items, answers) {
  const values = answerValues(answers);
  const errors = {};
  for (const item of items) {
    if (!(item.code in values)) continue;
    try {
      checkAnswer(ruleFrom(item), values[item.code]);
    } catch (error) {
      errors[item.code] = t(ANSWER_PROBLEMS[error.code] || "answerInvalid");
    }
  }
  return errors;
}

/**
 * The live score of a draft. While any answer is invalid there is no score (shown as "—"): a number that silently
 * left the bad answer out would be a lie.
 * @returns {{score: string|null, grade: string|null, vetoed: boolean, invalid: boolean, photoRequired: Set<string>, errors: object, result: object}}
 */
export function provisionalResult(items, answers) {
  const errors = answerErrors(items, answers);
  const invalid = Object.keys(errors).length > 0;
  const values = Object.fromEntries(Object.entries(answerValues(answers)).filter(([code]) => !(code in errors)));
  const result = scoreInspection(items, values);
  return {
    score: invalid || result.score == null ? null : formatTenths(result.score),
    grade: invalid ? null : result.grade ?? null,
    vetoed: !invalid && Boolean(result.vetoed),
    invalid,
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

/** Whether the draft answers the item as the server counts it: na answers a scored item only, blank text nothing. */
export function isAnswered(item, answer) {
  const value = answer?.value;
  if (value === undefined || value === null) return false;
  if (typeof value === "string" && !SCORED_TYPES.includes(item.type)) return value !== NA && value.trim() !== "";
  return true;
}

/**
 * Everything the finish bar shows and the finish button checks, in checklist order.
 * @returns {{required: number, answered: number, missing: string[], invalid: object, photos: string[], ready: boolean,
 *   score: string|null, grade: string|null, vetoed: boolean, scoreInvalid: boolean}}
 */
export function finishState(items, answers, photos) {
  const required = items.filter(mustAnswer);
  const missing = required.filter((item) => !isAnswered(item, answers[item.code])).map((item) => item.code);
  const provisional = provisionalResult(items, answers);
  const photoCodes = new Set(photoProblems(items, answers, photos));
  const photoList = items.map((item) => item.code).filter((code) => photoCodes.has(code));
  return {
    required: required.length,
    answered: required.length - missing.length,
    missing,
    invalid: provisional.errors,
    photos: photoList,
    ready: missing.length === 0 && !provisional.invalid && photoList.length === 0
      && Object.values(answers).some((answer) => answer?.value !== undefined),
    score: provisional.score,
    grade: provisional.grade,
    vetoed: provisional.vetoed,
    scoreInvalid: provisional.invalid,
  };
}

const GRADE_KEYS = { excellent: "excellent", good: "good", pass: "gradePass", fail: "gradeFail" };

/** The finish bar's line, e.g. "已答 4/6 · 93.3 优秀"; "—" for the score while an answer is invalid. */
export function barText(state) {
  const answered = t("answeredCount", { a: state.answered, b: state.required });
  if (state.scoreInvalid) return `${answered} · —`;
  if (state.score == null) return `${answered} · ${t("unscored")}`;
  const grade = state.grade ? ` ${t(GRADE_KEYS[state.grade] || state.grade)}` : "";
  return `${answered} · ${state.score}${grade}`;
}

/**
 * What stops finishing, item by item in checklist order: [{code, problem}] with problem "missing", "photo" or an
 * invalid answer's message.
 */
export function finishProblems(items, state) {
  const problems = [];
  for (const item of items) {
    if (item.code in state.invalid) problems.push({ code: item.code, problem: state.invalid[item.code] });
    else if (state.missing.includes(item.code)) problems.push({ code: item.code, problem: "missing" });
    else if (state.photos.includes(item.code)) problems.push({ code: item.code, problem: "photo" });
  }
  return problems;
}
