// Finishing an inspection (issue 11): which items still stop it, the finish bar's line, answer problems in words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { setLang } from "../../pwa/js/i18n.js";
import { answerErrors, barText, finishProblems, finishState, isAnswered } from "../../pwa/js/provisional.js";
import { mustAnswer } from "../../pwa/js/scoring.js";

const ITEMS = [
  { code: "A", type: "check", points: 20, photo: "on_fail", veto: false },
  { code: "B", type: "deduct", points: 30, per_fault: 2, photo: "optional", veto: false },
  { code: "C", type: "percent", points: 40, target: 90, per_percent: 2, photo: "always", veto: false },
  { code: "D", type: "check", points: 0, photo: "never", veto: true },
  { code: "N", type: "number", points: 0, photo: "optional", veto: false, required: true },
  { code: "T", type: "text", points: 0, photo: "optional", veto: false },
];
const memory = { getItem: () => null, setItem: () => {} };

test("scored items and record-only items marked required must be answered", () => {
  assert.deepEqual(ITEMS.filter(mustAnswer).map((i) => i.code), ["A", "B", "C", "D", "N"]);
});

test("na answers a scored item only; blank text answers nothing", () => {
  assert.equal(isAnswered(ITEMS[0], { value: "na" }), true);
  assert.equal(isAnswered(ITEMS[4], { value: "na" }), false);
  assert.equal(isAnswered(ITEMS[5], { value: "  " }), false);
  assert.equal(isAnswered(ITEMS[1], { value: 0 }), true);
  assert.equal(isAnswered(ITEMS[1], { note: "only a note" }), false);
});

test("an empty draft cannot finish and lists every required item, in checklist order", () => {
  setLang("zh", memory);
  const state = finishState(ITEMS, {}, []);
  assert.equal(state.ready, false);
  assert.deepEqual(state.missing, ["A", "B", "C", "D", "N"]);
  assert.equal(barText(state), "已答 0/5 · 不计分");
  assert.deepEqual(finishProblems(ITEMS, state).map((p) => [p.code, p.problem]),
    [["A", "missing"], ["B", "missing"], ["C", "missing"], ["D", "missing"], ["N", "missing"]]);
});

test("the bar shows answered/required, the provisional score and the grade", () => {
  setLang("zh", memory);
  const answers = { A: { value: "pass" }, B: { value: 1 }, C: { value: 95 }, D: { value: "pass" } };
  const state = finishState(ITEMS, answers, [{ item: "C" }]);
  assert.equal(barText(state), "已答 4/5 · 97.8 优秀");
  assert.equal(state.ready, false);
  assert.deepEqual(finishProblems(ITEMS, state), [{ code: "N", problem: "missing" }]);
  const done = finishState(ITEMS, { ...answers, N: { value: 7 } }, [{ item: "C" }]);
  assert.equal(done.ready, true);
  assert.equal(barText(done), "已答 5/5 · 97.8 优秀");
  setLang("en", memory);
  assert.equal(barText(done), "Answered 5/5 · 97.8 Excellent");
  setLang("zh", memory);
});

test("a missing photo stops finishing, named as a photo problem", () => {
  const answers = { A: { value: "fail" }, B: { value: 0 }, C: { value: "na" }, D: { value: "pass" }, N: { value: 1 } };
  const state = finishState(ITEMS, answers, []);
  assert.deepEqual(state.photos, ["A"]);
  assert.deepEqual(finishProblems(ITEMS, state), [{ code: "A", problem: "photo" }]);
  assert.equal(finishState(ITEMS, answers, [{ item: "A" }]).ready, true);
});

test("an invalid answer is explained in Chinese and the score shows a dash", () => {
  setLang("zh", memory);
  const answers = { A: { value: "pass" }, B: { value: 0 }, C: { value: { checked: 5, wrong: 8 } }, D: { value: "pass" }, N: { value: 1 } };
  assert.deepEqual(answerErrors(ITEMS, answers), { C: "抽查数至少为 1，错误数应在 0 到抽查数之间。" });
  const state = finishState(ITEMS, answers, [{ item: "C" }]);
  assert.equal(state.score, null);
  assert.equal(barText(state), "已答 5/5 · —");
  assert.equal(state.ready, false);
  assert.deepEqual(finishProblems(ITEMS, state), [{ code: "C", problem: "抽查数至少为 1，错误数应在 0 到抽查数之间。" }]);
});

test("a checklist with nothing required still needs one answer", () => {
  const items = [ITEMS[5]];
  assert.equal(finishState(items, {}, []).ready, false);
  assert.equal(finishState(items, { T: { value: "指导三户" } }, []).ready, true);
});
