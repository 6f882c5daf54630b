// Checklist content in the UI's language, falling back to the Chinese original.
import assert from "node:assert/strict";
import test from "node:test";

import { localized } from "../../pwa/js/content.js";

const ITEM = { label: "桶身洁净（净桶）", label_en: "bins clean", section: "环境卫生", section_en: "Cleanliness", help: "每个不洁桶扣 2 分。", help_en: "" };

test("English content when the UI is English and a translation exists", () => {
  assert.equal(localized(ITEM, "label", "en"), "bins clean");
  assert.equal(localized(ITEM, "section", "en"), "Cleanliness");
  assert.equal(localized({ title: "投放点月暗查检查表", title_en: "Bin station: monthly" }, "title", "en"), "Bin station: monthly");
});

test("the Chinese original in Chinese, and in English when the translation is missing or blank", () => {
  assert.equal(localized(ITEM, "label", "zh"), "桶身洁净（净桶）");
  assert.equal(localized(ITEM, "help", "en"), "每个不洁桶扣 2 分。");
  assert.equal(localized({ section: "设施配置", section_en: "  " }, "section", "en"), "设施配置");
  assert.equal(localized({ label: "旧包" }, "label", "en"), "旧包");
});

test("nothing to show gives an empty string", () => {
  assert.equal(localized(null, "label", "en"), "");
  assert.equal(localized({}, "help", "zh"), "");
});
