// One case → one comparable outcome, the same shape as tests/checklists/scoring_outcome.py produces.
import { AnswerError, photoViolations, rulesFrom, scoreInspection, toTenths } from '../../pwa/js/scoring.js';

export function outcome(items, answers, photos) {
  let rules;
  let result;
  try {
    rules = rulesFrom(items);
    result = scoreInspection(rules, answers);
  } catch (error) {
    if (error instanceof AnswerError) return { error: error.code };
    throw error;
  }
  const perItem = {};
  for (const item of result.items) {
    perItem[item.code] = {
      max: item.max, earned: item.earned, failed: item.failed, photo_required: item.photoRequired, lost: item.lost,
    };
  }
  return {
    score: result.score,
    grade: result.grade,
    vetoed: result.vetoed,
    earned: result.earned,
    possible: result.possible,
    failed: result.items.filter((item) => item.failed).map((item) => item.code),
    photo_violations: photos === null || photos === undefined ? null : photoViolations(result, rules, photos),
    items: perItem,
  };
}

const tenths = (value) => (value === null ? null : toTenths(value));

/** Differences between a case's `expect` (only the keys it has) and an outcome. */
export function mismatches(expect, got) {
  const problems = [];
  const same = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
  for (const [key, value] of Object.entries(expect)) {
    if (key === 'items') {
      for (const [code, fields] of Object.entries(value)) {
        for (const [field, raw] of Object.entries(fields)) {
          const want = ['earned', 'max', 'lost'].includes(field) ? tenths(raw) : raw;
          const actual = got.items?.[code]?.[field];
          if (!same(actual, want)) problems.push(`items.${code}.${field}: expected ${want}, got ${actual}`);
        }
      }
      continue;
    }
    const want = ['score', 'earned', 'possible'].includes(key) ? tenths(value) : value;
    if (!same(got[key], want)) problems.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got[key])}`);
  }
  return problems;
}

function sortKeys(value) {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
