// Log in. When the session merely expired, the same user logs in again and the outbox carries on;
// a different user gets their own outbox and never sees the previous user's records.
import { AuthRequired, Offline, login } from "../api.js";
import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { refreshPack } from "../pack.js";

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
    try {
      const user = await login(username.value.trim(), password.value);
      await refreshPack(user.username || username.value.trim()).catch(() => null);
      app.go("#/places");
      app.syncSoon();
    } catch (failure) {
      if (failure instanceof Offline) error.textContent = t("needOnline");
      else if (failure instanceof AuthRequired) error.textContent = t("loginFailed");
      else error.textContent = String(failure);
    } finally {
      submit.disabled = false;
    }
  });
  const expired = previous?.expired && !previous.loggedOut;
  show(
    h("h2", {}, t("login")),
    expired ? h("p", { class: "notice warn", id: "relogin-notice" }, t("loginAgain")) : null,
    form,
  );
  (expired ? password : username).focus();
}
