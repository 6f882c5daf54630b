// Inside WeChat's (or another app's) built-in browser, service workers and storage are not dependable, so
// unsent records could be lost. Instead of the login this screen says so and how to open the app in the phone's
// own browser; the user may still go on at their own risk (remembered for this tab only).
import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { inAppBrowser } from "../notices.js";

const ACCEPTED_KEY = "sortpatrol.inAppAccepted";

/** True when this is an app's built-in browser and the user has not chosen to go on anyway. */
export function shouldWarnInApp(userAgent = navigator.userAgent, storage = globalThis.sessionStorage) {
  return inAppBrowser(userAgent) !== null && storage?.getItem(ACCEPTED_KEY) !== "1";
}

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older web views have no clipboard API: select the address and use the legacy command.
    input.select();
    return document.execCommand?.("copy") ?? false;
  }
}

export function showInAppWarning(app) {
  const which = inAppBrowser(navigator.userAgent);
  const iphone = /iPhone|iPad|iPod/.test(navigator.userAgent);
  const address = `${window.location.origin}${app.pendingQr || "/"}`;
  const how = which === "wechat" ? t("inAppHowWechat") : t("inAppHowOther");
  const input = h("input", { id: "inapp-address", readonly: true, value: address, "aria-label": t("inAppAddress") });
  const copied = h("span", { class: "muted", id: "inapp-copied", role: "status", "aria-live": "polite" });
  const copy = h("button", { type: "button", class: "primary", id: "inapp-copy" }, t("inAppCopy"));
  copy.addEventListener("click", async () => {
    copied.textContent = (await copyText(address, input)) ? t("inAppCopied") : t("inAppCopyFailed");
  });
  const goOn = h("a", { href: "#/login", id: "inapp-continue", class: "inapp-continue" }, t("inAppContinue"));
  goOn.addEventListener("click", (event) => {
    event.preventDefault();
    globalThis.sessionStorage?.setItem(ACCEPTED_KEY, "1");
    app.go("#/login");
  });
  show(h("section", { class: "card stack inapp", id: "inapp-screen" },
    h("h2", {}, t("inAppTitle")),
    h("p", {}, t("inAppWhy")),
    h("ol", { class: "inapp-steps" },
      h("li", {}, how),
      h("li", {}, iphone ? t("inAppIphone") : t("inAppAndroid"))),
    h("p", {}, t("inAppOrCopy")),
    h("div", { class: "inapp-copy" }, input, copy),
    copied,
    h("p", { class: "muted" }, goOn)));
}
