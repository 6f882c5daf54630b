// Fast answers (issue 11, point 2): a section all in order, the words of a sample, a percent item's input mode.
import assert from "node:assert/strict";
import { test } from "node:test";

import { hasCleanAnswers, percentMode, percentShown, sampleWords, sectionAllPass } from "../../pwa/js/quickanswers.js";

const SECTION = [
  { code: "A", type: "check", points: 10 },
  { code: "B", type: "deduct", points: 10, per_fault: 2 },
  { code: "C", type: "percent", points: 20, target: 90, per_percent: 2 },
  { code: "D", type: "check", points: 5 },
  { code: "E", type: "deduct", points: 5, per_fault: 1 },
  { code: "T", type: "text" },
];

test("all pass sets checks to pass and fault counts to 0, leaving percent and record-only items alone", () => {
  assert.deepEqual(sectionAllPass(SECTION, {}), { A: "pass", B: 0, D: "pass", E: 0 });
});

test("all pass keeps every answer already given, a note alone is no answer", () => {
  const answers = { A: { value: "fail" }, B: { value: 3 }, D: { value: "na" }, E: { note: "looked twice" } };
  assert.deepEqual(sectionAllPass(SECTION, answers), { E: 0 });
});

test("a section of record-only and percent items offers no all pass", () => {
  assert.equal(hasCleanAnswers([SECTION[2], SECTION[5]]), false);
  assert.equal(hasCleanAnswers(SECTION), true);
});

test("a sample goes by the item's own words: sample_labels first, then the label's closing brackets", () => {
  assert.deepEqual(sampleWords({ label: "厨余垃圾纯净度（抽查袋数/错误袋数）" }), { checked: "抽查袋数", wrong: "错误袋数" });
  assert.deepEqual(sampleWords({ label: "x (bags / wrong bags)" }), { checked: "bags", wrong: "wrong bags" });
  assert.deepEqual(sampleWords({ label: "投放准确率（抽查）", sample_labels: { checked: "抽查户数", wrong: "答错户数" } }),
    { checked: "抽查户数", wrong: "答错户数" });
  assert.equal(sampleWords({ label: "居民投放准确率（抽查）" }), null);
  assert.equal(sampleWords({ label: "整改销号率" }), null);
});

test("a percent item opens in its answer's form, else as a sample where it speaks of one", () => {
  assert.equal(percentMode({ label: "厨余垃圾纯净度（抽查袋数/错误袋数）" }, undefined), "sample");
  assert.equal(percentMode({ label: "纯净度", help: "抽查厨余垃圾袋" }, undefined), "sample");
  assert.equal(percentMode({ label: "整改销号率" }, undefined), "direct");
  assert.equal(percentMode({ label: "抽查" }, 95), "direct");
  assert.equal(percentMode({ label: "整改销号率" }, { checked: 4, wrong: 1 }), "sample");
});

test("the percent shown is the server's rounding of the sample, nothing while incomplete or invalid", () => {
  const item = SECTION[2];
  assert.equal(percentShown(item, { checked: 12, wrong: 2 }), "83.3%");
  assert.equal(percentShown(item, { checked: 3, wrong: 1 }), "66.7%");
  assert.equal(percentShown(item, 95), "95.0%");
  assert.equal(percentShown(item, { checked: 5, wrong: 8 }), "");
  assert.equal(percentShown(item, "na"), "");
  assert.equal(percentShown(item, undefined), "");
});
