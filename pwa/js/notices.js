// Warnings that protect unsent work: plain HTTP, low storage, iPhone's 7-day eviction (SYNC.md, PWA rule 5).
import { h } from "./dom.js";
import { t } from "./i18n.js";

export const LOW_SPACE_SHARE = 0.2;

/** True when less than 20% of the quota is left. */
export function lowOnSpace(estimate) {
  if (!estimate || !estimate.quota) return false;
  return (estimate.quota - (estimate.usage || 0)) / estimate.quota < LOW_SPACE_SHARE;
}

export function isIosBrowser(userAgent, standalone) {
  return /iPhone|iPad|iPod/.test(userAgent) && !standalone;
}

/** Shows the notices that apply; safe to call again (it replaces them). */
export async function renderNotices(extra = []) {
  const box = document.getElementById("notices");
  const notes = [];
  if (!window.isSecureContext) notes.push(h("p", { class: "notice error", id: "insecure-notice" }, t("insecure")));
  if (navigator.storage?.persist) {
    await navigator.storage.persist().catch(() => false);
  }
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (lowOnSpace(estimate)) notes.push(h("p", { class: "notice warn", id: "space-notice" }, t("lowSpace")));
  const standalone = window.matchMedia?.("(display-mode: standalone)").matches || navigator.standalone;
  if (isIosBrowser(navigator.userAgent, standalone)) notes.push(h("p", { class: "notice", id: "ios-hint" }, t("iosHint")));
  box.replaceChildren(...notes, ...extra);
}
