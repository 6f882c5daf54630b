// The header's menu: who is logged in, logging in again online, and logging out. Logging out sits here rather
// than on a working screen, asks first, and is refused while this user has unsent records: on a shared phone the
// next login would leave them waiting unseen (SYNC.md, PWA rule 7 keeps them; this keeps them moving).
import { logout } from "../api.js";
import { allBy } from "../db.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { unsent } from "../outbox.js";
import { needsOnlineLogin } from "../syncstatus.js";

/** Closes the panel; `refocus` puts the focus back on ☰ (Escape, a tap outside, "cancel"), where it was opened. */
function close(button, panel, { refocus = false } = {}) {
  const wasOpen = !panel.hidden;
  panel.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (refocus && wasOpen) button.focus();
}

async function askToLogOut(app, panel, button) {
  const count = unsent(await allBy("records", "owner", app.session.username)).length;
  const box = panel.querySelector("#logout-box");
  if (count) {
    const toOutbox = h("button", { type: "button", class: "ghost", id: "logout-to-outbox" }, t("goToOutbox"));
    toOutbox.addEventListener("click", () => { close(button, panel); app.go("#/outbox"); });
    box.replaceChildren(h("p", { class: "error", role: "alert", id: "logout-refused", "data-count": count }, t("logoutRefused", { n: count })), toOutbox);
    return;
  }
  const yes = h("button", { type: "button", class: "primary", id: "logout-yes" }, t("logout"));
  const no = h("button", { type: "button", class: "ghost", id: "logout-no" }, t("cancel"));
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    await logout();
    close(button, panel);
    app.go("#/places");
  });
  no.addEventListener("click", () => { box.replaceChildren(); close(button, panel, { refocus: true }); });
  box.replaceChildren(h("p", { role: "alert", id: "logout-confirm" }, t("logoutConfirm")), h("div", { class: "row" }, yes, no));
}

function fill(app, panel, button) {
  const session = app.session;
  const user = app.pack?.data?.user || session?.user || {};
  const logoutButton = h("button", { type: "button", class: "ghost", id: "logout" }, t("logout"));
  logoutButton.addEventListener("click", () => askToLogOut(app, panel, button));
  const relogin = needsOnlineLogin(session)
    ? h("button", { type: "button", class: "ghost", id: "menu-relogin" }, t("reloginNow"))
    : null;
  relogin?.addEventListener("click", () => { close(button, panel); app.go("#/login"); });
  panel.replaceChildren(...[
    h("p", { class: "muted", id: "menu-user" }, t("loggedInAs", { u: user.display_name || user.username || session?.username || "" })),
    relogin, logoutButton, h("div", { id: "logout-box" })].filter(Boolean));
}

/** Puts the menu button into the header; the panel shows only while a user is logged in. */
export function setUpMenu(app) {
  const button = h("button", { type: "button", id: "menu-button", class: "ghost", "aria-expanded": "false", "aria-controls": "menu", "aria-label": t("menu") }, "☰");
  // A named region, so what it shows (who is logged in, the logout question) sits in a landmark like the rest.
  const panel = h("section", { id: "menu", class: "menu card", "aria-label": t("menu"), hidden: true });
  document.querySelector(".bar").append(button);
  document.querySelector(".bar").after(panel);
  button.addEventListener("click", () => {
    const opening = panel.hidden;
    if (opening) fill(app, panel, button);
    panel.hidden = !opening;
    button.setAttribute("aria-expanded", String(opening));
  });
  // Closed when the screen changes (a menu action that navigates too: the new screen's heading takes the focus);
  // a background re-render of the same screen (a sync, another tab's login) leaves it open under the user's finger.
  window.addEventListener("hashchange", () => close(button, panel));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) close(button, panel, { refocus: true });
  });
  // A tap outside closes it on pointerdown (iOS sends no click to the document for a tap on plain text); the focus
  // goes back to ☰ once the tap is over, unless the tap put it on something else (a field, a link).
  let tappedOutside = false;
  document.addEventListener("pointerdown", (event) => {
    tappedOutside = !panel.hidden && !panel.contains(event.target) && !button.contains(event.target);
    if (tappedOutside) close(button, panel);
  }, true);
  document.addEventListener("click", () => {
    if (!tappedOutside) return;
    tappedOutside = false;
    if (!document.activeElement || document.activeElement === document.body) button.focus();
  }, true);
  return {
    /** Shows the button only to a logged-in user. */
    paint() {
      const session = app.session;
      button.hidden = !session || Boolean(session.expired) || Boolean(session.loggedOut);
      button.setAttribute("aria-label", t("menu"));
      panel.setAttribute("aria-label", t("menu"));
      if (button.hidden) close(button, panel);
    },
  };
}
