// Checklist content in the UI's language: the English translation when the UI is English and one was written,
// otherwise the Chinese original (every item has it; translations may be missing, e.g. in older packs).

/**
 * localized({label: "桶身洁净", label_en: "bins clean"}, "label", "en") → "bins clean"
 * @param {object | null | undefined} entry an item or a checklist of the pack
 * @param {string} field "label", "section", "help" or "title"
 * @param {string} lang "zh" or "en"
 * @returns {string}
 */
export function localized(entry, field, lang) {
  if (!entry) return "";
  const english = lang === "en" ? entry[`${field}_en`] : "";
  return (typeof english === "string" && english.trim()) ? english : (entry[field] ?? "");
}
