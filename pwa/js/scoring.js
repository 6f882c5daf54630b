// The scoring rules of SCORING.md §1–2, mirrored from checklists/scoring.py: integer tenths, half-up.
// Both sides agree on tests/fixtures/scoring_cases.json and on random cases (tests/checklists).
// Numbers are read through their decimal string (String(84.9) is "84.9" → 849 tenths), never through
// binary float arithmetic. Items come in the pack format of SYNC.md; answers as {code: value}.

export const NA = 'na';
export const GRADE_BANDS = Object.freeze([[900, 'excellent'], [800, 'good'], [600, 'pass']]);
export const ITEM_TYPES = Object.freeze(['check', 'deduct', 'percent', 'number', 'text', 'choice']);
export const SCORED_TYPES = Object.freeze(['check', 'deduct', 'percent']);
export const PHOTO_RULES = Object.freeze(['always', 'on_fail', 'optional', 'never']);
export const MAX_COUNT = Number.MAX_SAFE_INTEGER; // 2**53 − 1, as in Python
export const MAX_POINTS = 99999; // tenths

/** An answer (or item) that does not fit; `code` is the same machine code as in Python. */
export class AnswerError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'AnswerError';
    this.code = code;
  }
}

/** A finite number (booleans and strings are not numbers). */
export function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A whole number 0 … 2**53 − 1. */
export function isCount(value) {
  return isNumber(value) && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * A number with at most one decimal → tenths, exactly, from its shortest decimal form.
 * Returns a BigInt so that absurd magnitudes stay exact, as Python's int does; see toTenths.
 */
function exactTenths(value, what) {
  if (!isNumber(value)) throw new AnswerError('not_a_number', `${what} must be a number`);
  const match = DECIMAL.exec(String(value));
  if (!match) throw new AnswerError('not_a_number', `${what} must be a number`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(whole + fraction) * (sign ? -1n : 1n);
  const shift = Number(exponent) - fraction.length + 1; // power of ten that turns digits into tenths
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) throw new AnswerError('too_many_decimals', `${what} may have at most one decimal`);
  return digits / divisor;
}

/** Tenths as a Number; only for values already known to be in a safe range. */
export function toTenths(value, what = 'value') {
  return Number(exactTenths(value, what));
}

/** Tenths → "77.3". */
export function formatTenths(tenths) {
  if (tenths === null || tenths === undefined) return '';
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  return `${sign}${Math.floor(abs / 10)}.${abs % 10}`;
}

function itemTenths(item, name, high) {
  const value = item[name];
  if (value === null || value === undefined) return null;
  let tenths;
  try {
    tenths = exactTenths(value, name);
  } catch (error) {
    throw new AnswerError('bad_item', `${item.code}: ${error.message}`);
  }
  if (tenths < 0n || tenths > BigInt(high)) {
    throw new AnswerError('bad_item', `${item.code}: ${name} must be between 0 and ${high / 10}`);
  }
  return Number(tenths);
}

/** An item in the pack format → its rule (points etc. in tenths). Throws AnswerError('bad_item'). */
export function ruleFrom(item) {
  const { code, type } = item;
  if (typeof code !== 'string' || code === '') throw new AnswerError('bad_item', 'an item needs a code');
  if (!ITEM_TYPES.includes(type)) throw new AnswerError('bad_item', `${code}: unknown item type ${type}`);
  const points = itemTenths(item, 'points', MAX_POINTS);
  const perFault = itemTenths(item, 'per_fault', MAX_POINTS);
  const target = itemTenths(item, 'target', 1000);
  const perPercent = itemTenths(item, 'per_percent', MAX_POINTS);
  const { photo, veto, choices, required } = item;
  if (photo !== null && photo !== undefined && !PHOTO_RULES.includes(photo)) {
    throw new AnswerError('bad_item', `${code}: unknown photo rule ${photo}`);
  }
  if (veto !== null && veto !== undefined && typeof veto !== 'boolean') {
    throw new AnswerError('bad_item', `${code}: veto is true or false`);
  }
  if (choices !== null && choices !== undefined
      && (!Array.isArray(choices) || !choices.every((choice) => typeof choice === 'string'))) {
    throw new AnswerError('bad_item', `${code}: choices are a list of strings`);
  }
  if (required !== null && required !== undefined && typeof required !== 'boolean') {
    throw new AnswerError('bad_item', `${code}: required is true or false`);
  }
  return Object.freeze({
    code,
    type,
    points: points || 0,
    perFault,
    target,
    perPercent,
    photo: photo || 'optional',
    veto: Boolean(veto),
    choices: Object.freeze([...(choices || [])]),
    required: Boolean(required),
  });
}

/** Whether an inspection must answer the item (docs/sync.md): every scored item, and record-only items marked required. */
export function mustAnswer(item) {
  return SCORED_TYPES.includes(item.type) || Boolean(item.required);
}

/** The rules of a list of pack items, in order. */
export function rulesFrom(items) {
  return items.map(ruleFrom);
}

/** numerator / denominator rounded half-up (both non-negative integers, Numbers or BigInts). */
export function halfUpDiv(numerator, denominator) {
  if (typeof numerator === 'bigint') return (2n * numerator + denominator) / (2n * denominator);
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A percent answer in tenths of a percent: a number 0–100 or a sample {checked, wrong}. */
export function percentValue(rule, value) {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const { checked, wrong } = value;
    if (keys.length !== 2 || !keys.includes('checked') || !keys.includes('wrong')
        || !isCount(checked) || !isCount(wrong)) {
      throw new AnswerError('bad_sample', `${rule.code}: a sample is {checked: N, wrong: M} with whole numbers`);
    }
    if (checked < 1 || wrong < 0 || wrong > checked) {
      throw new AnswerError('bad_sample', `${rule.code}: a sample needs checked ≥ 1 and 0 ≤ wrong ≤ checked`);
    }
    // BigInt: 1000 × N overflows a double's exact range long before N does.
    return Number(halfUpDiv(1000n * BigInt(checked - wrong), BigInt(checked)));
  }
  const tenths = exactTenths(value, rule.code);
  if (tenths < 0n || tenths > 1000n) {
    throw new AnswerError('out_of_range', `${rule.code}: a percent must be between 0 and 100`);
  }
  return Number(tenths);
}

/** Throw AnswerError when `value` is not a valid answer for `rule`. `na` fits every type. */
export function checkAnswer(rule, value) {
  if (value === NA) return;
  switch (rule.type) {
    case 'check':
      if (value !== 'pass' && value !== 'fail') throw new AnswerError('bad_check', `${rule.code}: answer pass, fail or na`);
      return;
    case 'deduct':
      if (!isCount(value)) throw new AnswerError('bad_count', `${rule.code}: a fault count is a whole number ≥ 0`);
      return;
    case 'percent':
      percentValue(rule, value);
      return;
    case 'number':
      if (!isNumber(value)) throw new AnswerError('not_a_number', `${rule.code}: must be a number`);
      return;
    case 'text':
      if (typeof value !== 'string') throw new AnswerError('not_text', `${rule.code}: must be text`);
      return;
    case 'choice':
      if (!rule.choices.includes(value)) throw new AnswerError('bad_choice', `${rule.code}: must be one of the item's choices`);
      return;
    default:
      throw new AnswerError('unknown_type', `${rule.code}: unknown item type ${rule.type}`);
  }
}

/** One item's result: {code, na, max, earned, failed, photoRequired, lost}, points in tenths. */
export function scoreItem(rule, value) {
  checkAnswer(rule, value);
  const na = value === NA;
  const scored = SCORED_TYPES.includes(rule.type) && rule.points > 0 && !na;
  let earned = null;
  let failed = false;
  if (!na && rule.type === 'check') {
    failed = value === 'fail';
    earned = failed ? 0 : rule.points;
  } else if (!na && rule.type === 'deduct') {
    failed = value > 0;
    // When count × perFault is beyond a double's exact range it is far beyond the points, so 0 stands.
    earned = Math.max(0, rule.points - value * (rule.perFault || 0));
  } else if (!na && rule.type === 'percent') {
    const got = percentValue(rule, value);
    const target = rule.target || 0;
    failed = got < target;
    const deduction = failed ? halfUpDiv((target - got) * (rule.perPercent || 0), 10) : 0;
    earned = Math.max(0, rule.points - deduction);
  }
  const photoRequired = (rule.photo === 'always' && !na) || (rule.photo === 'on_fail' && failed);
  return {
    code: rule.code,
    na,
    max: scored ? rule.points : 0,
    earned: scored ? earned : null,
    failed,
    photoRequired,
    lost: scored ? rule.points - earned : 0,
  };
}

/** Grade of a score in tenths; a vetoed inspection fails whatever its score; null when unscored. */
export function gradeFor(score, { vetoed = false, bands = GRADE_BANDS } = {}) {
  if (score === null || score === undefined) return null;
  if (vetoed) return 'fail';
  const band = bands.find(([floor]) => score >= floor);
  return band ? band[1] : 'fail';
}

function answerFor(answers, code) {
  if (answers instanceof Map) return answers.has(code) ? answers.get(code) : NA;
  const value = Object.prototype.hasOwnProperty.call(answers, code) ? answers[code] : undefined;
  return value === undefined ? NA : value;
}

/**
 * Score one inspection. `items`: pack items (or rules from rulesFrom); `answers`: {code: value}, an item
 * left out counts as na. Returns {score, grade, vetoed, earned, possible, items}, numbers in tenths;
 * score and grade are null when nothing was scored.
 */
export function scoreInspection(items, answers = {}, { bands = GRADE_BANDS } = {}) {
  const rules = items.map((item) => (Object.isFrozen(item) && 'perFault' in item ? item : ruleFrom(item)));
  const results = rules.map((rule) => scoreItem(rule, answerFor(answers, rule.code)));
  const possible = results.reduce((sum, item) => sum + item.max, 0);
  const earned = results.reduce((sum, item) => sum + (item.earned || 0), 0);
  const vetoed = results.some((item, index) => rules[index].veto && item.failed);
  const score = possible === 0 ? null : Math.floor((2000 * earned + possible) / (2 * possible));
  return { score, grade: gradeFor(score, { vetoed, bands }), vetoed, earned, possible, items: results };
}

/**
 * Item code → problem, for required photos missing from the manifest ('photo_required') and photos
 * declared on items whose rule is `never` ('photo_not_allowed'). `photoItems`: the manifest's item codes.
 */
export function photoViolations(result, items, photoItems) {
  const declared = new Set(photoItems);
  const problems = {};
  for (const item of result.items) {
    if (item.photoRequired && !declared.has(item.code)) problems[item.code] = 'photo_required';
  }
  for (const item of items) {
    if (item.photo === 'never' && declared.has(item.code)) problems[item.code] = 'photo_not_allowed';
  }
  return problems;
}
