// Warnings that protect unsent work: plain HTTP, low storage, iPhone's 7-day eviction (SYNC.md, PWA rule 5).
import { h } from "./dom.js";
import { t } from "./i18n.js";

export const LOW_SPACE_SHARE = 0.2;

/** True when less than 20% of the quota is left. */
export function lowOnSpace(estimate) {
  if (!estimate || !estimate.quota) return false;
  return (estimate.quota - (estimate.usage || 0)) / estimate.quota < LOW_SPACE_SHARE;
}

/** True for an iPhone or iPad browser tab; iPadOS Safari reports a Mac, told apart by its touch screen. */
export function isIosBrowser(userAgent, standalone, maxTouchPoints = 0) {
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  return ios && !standalone;
}

// Apps whose built-in browser keeps neither service workers nor storage dependably: records could be lost.
const IN_APP_BROWSERS = [
  ["wechat", /MicroMessenger/i],
  ["qq", /\bQQ\//],
  ["alipay", /AlipayClient/i],
  ["dingtalk", /DingTalk/i],
  ["weibo", /\bWeibo\b|__weibo__/i],
  ["other", /\bFBA[NV]\/|Instagram|\bLine\/|NewsArticle\/|aweme|BytedanceWebview|baiduboxapp|; wv\)/],
];

/** Which app's built-in browser this is ("wechat", "qq", …, "other"), or null for a phone's own browser. */
export function inAppBrowser(userAgent) {
  const found = IN_APP_BROWSERS.find(([, pattern]) => pattern.test(userAgent || ""));
  return found ? found[0] : null;
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
  // Inside an app the in-app screen already says to open Safari; Add to Home Screen comes after that.
  const iosTab = isIosBrowser(navigator.userAgent, standalone, navigator.maxTouchPoints) && !inAppBrowser(navigator.userAgent);
  if (iosTab) notes.push(h("p", { class: "notice", id: "ios-hint" }, t("iosHint")));
  box.replaceChildren(...notes, ...extra);
}
