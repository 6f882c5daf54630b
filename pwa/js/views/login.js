// Log in. When the session merely expired, the same user logs in again and the outbox carries on;
// a different user gets their own outbox and never sees the previous user's records. Without a network, a user
// who logged in on this phone before unlocks the app with their password, checked against the hash kept from
// that login (unlock.js); their records then wait for an online login to upload.
import { AuthRequired, Offline, login, unlockSession } from "../api.js";
import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { loadPack, refreshPack } from "../pack.js";
import { rememberPassword, storedVerifier, verifyPassword } from "../unlock.js";

/** Offline: unlocks for a known user with the right password. Returns an error message, or null when unlocked. */
async function unlockOffline(username, password) {
  const verifier = await storedVerifier(username);
  if (!verifier) return t("needOnlineFirst", { u: username });
  if (!(await verifyPassword(password, verifier))) return t("unlockFailed");
  const pack = await loadPack(username);
  await unlockSession(username, pack?.data?.user);
  return null;
}

export function showLogin(app) {
  const previous = app.session;
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, value: previous?.username || "", autocapitalize: "none" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", role: "alert", id: "login-error" });
  const submit = h("button", { type: "submit", class: "primary big" }, t("login"));
  const form = h("form", { class: "card stack", id: "login-form" },
    h("label", { for: "username" }, t("username")), username,
    h("label", { for: "password" }, t("password")), password,
    error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    const name = username.value.trim();
    try {
      const user = await login(name, password.value);
      await rememberPassword(user.username || name, password.value).catch(() => null);
      await refreshPack(user.username || name).catch(() => null);
      app.go("#/places");
      app.syncSoon();
    } catch (failure) {
      if (failure instanceof Offline) {
        const refusal = await unlockOffline(name, password.value);
        if (refusal) error.textContent = refusal;
        else app.go("#/places");
      } else if (failure instanceof AuthRequired) error.textContent = t("loginFailed");
      else error.textContent = String(failure);
    } finally {
      submit.disabled = false;
    }
  });
  const expired = previous?.expired && !previous.loggedOut;
  const unlocked = previous?.unlocked && !previous.loggedOut && !previous.expired;
  show(
    h("h2", {}, t("login")),
    expired ? h("p", { class: "notice warn", id: "relogin-notice" }, t("loginAgain")) : null,
    unlocked ? h("p", { class: "notice warn", id: "relogin-notice" }, t("needReloginToUpload")) : null,
    form,
    navigator.onLine ? null : h("p", { class: "muted", id: "offline-login-hint" }, t("offlineLoginHint")),
  );
  (expired || unlocked ? password : username).focus();
}
