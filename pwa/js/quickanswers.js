// Fast answers on the inspection screen (issue 11): the clean answer for a whole section, the words a percent item's
// sample inputs go by, which of its two input modes to show first, and the percent a sample comes to.
import { formatTenths, percentValue, ruleFrom } from "./scoring.js";

/** The answer "everything in order" gives an item, or undefined where there is no such answer (percent, text…). */
export function cleanAnswer(item) {
  if (item.type === "check") return "pass";
  if (item.type === "deduct") return 0;
  return undefined;
}

/**
 * What "全部合格" sets in a section: item code → clean answer, for the items without an answer yet. An answer given
 * (a fail, a fault count, N/A) is the inspector's word and stays; percent items have no clean answer to assume.
 */
export function sectionAllPass(items, answers = {}) {
  const values = {};
  for (const item of items) {
    const clean = cleanAnswer(item);
    const given = answers[item.code]?.value;
    if (clean !== undefined && (given === undefined || given === null)) values[item.code] = clean;
  }
  return values;
}

/** Whether "全部合格" has anything to offer in the section: an item with a clean answer. */
export function hasCleanAnswers(items) {
  return items.some((item) => cleanAnswer(item) !== undefined);
}

/**
 * The checklist's own words for a sample's two numbers: `sample_labels` {checked, wrong} when the item has them,
 * else a "（抽查袋数/错误袋数）" at the end of its label; null when it has neither.
 */
export function sampleWords(item, label = item.label) {
  const own = item.sample_labels;
  if (own && typeof own.checked === "string" && typeof own.wrong === "string") return { checked: own.checked, wrong: own.wrong };
  const match = /[（(]\s*([^（()）/／]+?)\s*[/／]\s*([^（()）/／]+?)\s*[）)]\s*$/.exec(label || "");
  return match ? { checked: match[1], wrong: match[2] } : null;
}

/** The input mode a percent item opens in: its answer's own form, else a sample where the item speaks of one. */
export function percentMode(item, value) {
  if (typeof value === "number") return "direct";
  if (value && typeof value === "object") return "sample";
  const words = `${item.label || ""} ${item.help || ""} ${item.label_en || ""}`;
  return /抽查|抽样|sample/i.test(words) || item.sample_labels ? "sample" : "direct";
}

/** The percent an answer comes to, "83.3%", or "" while it is incomplete or invalid. */
export function percentShown(item, value) {
  if (value === undefined || value === null || value === "na") return "";
  try {
    return `${formatTenths(percentValue(ruleFrom(item), value))}%`;
  } catch {
    return "";
  }
}
