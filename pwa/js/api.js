// Talking to the server with JWT. Tokens live in IndexedDB so a reload, a second tab and the service worker share
// them. A 401 refreshes once (under a Web Lock, because refresh tokens rotate and a used one is blacklisted);
// if the refresh token is dead too, the session is marked expired and the app asks the same user to log in again.
import { getKv, putKv } from "./db.js";

export const API = "/api/v1";
const SESSION_KEY = "session";
const LANGUAGE_KEY = "lang";

export class AuthRequired extends Error {}
export class Offline extends Error {}

// Whether the last request got an answer: navigator.onLine says "online" on a Wi-Fi without internet too.
let reachable = true;
const reachabilityListeners = new Set();

function noteAnswer(answered) {
  if (reachable === answered) return;
  reachable = answered;
  for (const listener of reachabilityListeners) listener(answered);
}

export function isReachable() {
  return reachable;
}

/** Calls `listener(reachable)` whenever a request gets no answer after one did, or the reverse. */
export function onReachability(listener) {
  reachabilityListeners.add(listener);
}

export function getSession() {
  return getKv(SESSION_KEY);
}

export function saveSession(session) {
  return putKv(SESSION_KEY, session);
}

/**
 * Keeps the app's language where every request reads it, the service worker's uploads included (it has no
 * localStorage): the server writes its messages (a refusal's reasons) in the language the phone asks for.
 */
export function saveRequestLanguage(lang) {
  return putKv(LANGUAGE_KEY, lang);
}

/** Accept-Language for the server's messages: the app's language, not the browser's. */
async function acceptLanguage() {
  return (await getKv(LANGUAGE_KEY)) === "en" ? "en" : "zh-Hans";
}

const LOGOUT_WAIT_MS = 5_000;

/**
 * Logs this phone out: when online, the server is told to end the refresh token (so a copy of it is worth nothing);
 * offline, or when the server does not answer in a few seconds, the phone logs out all the same. Forgets the tokens
 * only; records stay under their owner for the next login of that user.
 */
export async function logout() {
  // Under the refresh lock: a refresh finishing meanwhile would otherwise store a new token pair after the logout.
  await withLock("sortpatrol-auth", async () => {
    const session = await getSession();
    if (!session) return;
    if (session.refresh && !session.expired && globalThis.navigator?.onLine !== false) {
      await post("/auth/logout/", { refresh: session.refresh }, { timeoutMs: LOGOUT_WAIT_MS }).catch(() => null);
    }
    await saveSession({ username: session.username, user: session.user, expired: true, loggedOut: true });
  });
}

/** An abort signal that fires after `ms` (AbortSignal.timeout is missing before Safari 16). */
function deadline(ms) {
  if (typeof AbortSignal.timeout === "function") return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

async function post(path, payload, { timeoutMs } = {}) {
  let response;
  try {
    response = await fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": await acceptLanguage() },
      body: JSON.stringify(payload),
      credentials: "omit",
      signal: timeoutMs ? deadline(timeoutMs) : undefined,
    });
  } catch {
    noteAnswer(false);
    throw new Offline("network");
  }
  noteAnswer(true);
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

/** Logs in and stores the tokens. Returns the user, or throws AuthRequired / Offline (no answer, or a 5xx). */
export async function login(username, password) {
  const { status, body } = await post("/auth/token/", { username, password });
  if (status >= 500) throw new Offline(`login HTTP ${status}`);
  if (status !== 200) throw new AuthRequired(body?.error?.message || body?.detail || "login failed");
  const user = body.user || { username };
  const name = user.username || username;
  await saveSession({ username: name, user, access: body.access, refresh: body.refresh, expired: false });
  return user;
}

/**
 * A session without tokens for a user whose password the phone verified offline (unlock.js): the app works and
 * the outbox fills, but nothing uploads until the user logs in online.
 */
export async function unlockSession(username, user) {
  await saveSession({ username, user: user || { username }, expired: false, unlocked: true });
}

function withLock(name, fn) {
  if (globalThis.navigator?.locks) return navigator.locks.request(name, fn);
  return fn();
}

/** Gets a new access token unless another tab already did since `usedAccess` failed. */
async function refreshTokens(usedAccess) {
  return withLock("sortpatrol-auth", async () => {
    const session = await getSession();
    if (!session || session.expired || !session.refresh) throw new AuthRequired("no session");
    if (session.access !== usedAccess) return session;
    const { status, body } = await post("/auth/refresh/", { refresh: session.refresh });
    if (status === 200 && body.access) {
      const next = { ...session, access: body.access, refresh: body.refresh || session.refresh };
      await saveSession(next);
      return next;
    }
    if (status === 401 || status === 400) {
      await saveSession({ ...session, expired: true });
      throw new AuthRequired("refresh expired");
    }
    // 5xx or odd answer: not the user's fault, keep the session and retry later.
    throw new Offline(`refresh HTTP ${status}`);
  });
}

/**
 * fetch with the access token; refreshes once on 401. Resolves to {status, body, headers};
 * status 0 means no answer (offline, aborted or dropped). Throws AuthRequired when a new login is needed.
 */
export async function apiFetch(path, init = {}) {
  let session = await getSession();
  if (!session || session.expired || !session.access) throw new AuthRequired("no session");
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const headers = new Headers(init.headers || {});
    headers.set("Authorization", `Bearer ${session.access}`);
    headers.set("Accept", "application/json");
    headers.set("Accept-Language", await acceptLanguage());
    let response;
    try {
      response = await fetch(API + path, { ...init, headers, credentials: "omit", cache: "no-store" });
    } catch {
      noteAnswer(false);
      return { status: 0, body: null, headers: new Headers() };
    }
    noteAnswer(true);
    if (response.status === 401 && attempt === 0) {
      try {
        session = await refreshTokens(session.access);
      } catch (error) {
        if (error instanceof Offline) return { status: 0, body: null, headers: new Headers() };
        throw error;
      }
      continue;
    }
    if (response.status === 401) {
      await saveSession({ ...session, expired: true });
      throw new AuthRequired("unauthorised after refresh");
    }
    const body = response.status === 304 ? null : await response.json().catch(() => null);
    return { status: response.status, body, headers: response.headers };
  }
  return { status: 0, body: null, headers: new Headers() };
}
