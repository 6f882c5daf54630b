// Unlocking the app offline. After every online login the phone keeps, per user, a salted slow hash of the
// password (PBKDF2-SHA-256, random salt, ≥ 100 000 iterations; never the password itself), so a user who logged in
// here before can get back in without a network and keep working. It gives no tokens: queued records still wait
// for an online login before they upload (SYNC.md rule 9).
import { getKv, putKv } from "./db.js";

export const UNLOCK_ITERATIONS = 150_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

const key = (username) => `unlock:${username}`;

function toHex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex) {
  return new Uint8Array((hex.match(/../g) || []).map((pair) => parseInt(pair, 16)));
}

async function pbkdf2(password, salt, iterations, subtle) {
  const material = await subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, HASH_BITS);
}

/**
 * A verifier for the password: {algorithm, iterations, salt, hash}, salt and hash in hex.
 * @param {string} password
 * @param {{iterations?: number, salt?: Uint8Array, crypto?: Crypto}} options (tests inject a small count)
 */
export async function makeVerifier(password, { iterations = UNLOCK_ITERATIONS, salt, crypto = globalThis.crypto } = {}) {
  const saltBytes = salt || crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await pbkdf2(password, saltBytes, iterations, crypto.subtle);
  return { algorithm: "PBKDF2-SHA-256", iterations, salt: toHex(saltBytes), hash: toHex(hash) };
}

/** Whether the password matches the verifier (compared in full, not stopping at the first difference). */
export async function verifyPassword(password, verifier, { crypto = globalThis.crypto } = {}) {
  if (!verifier || verifier.algorithm !== "PBKDF2-SHA-256" || !verifier.salt || !verifier.hash) return false;
  const hash = toHex(await pbkdf2(password, fromHex(verifier.salt), verifier.iterations, crypto.subtle));
  let difference = hash.length ^ verifier.hash.length;
  for (let i = 0; i < hash.length; i += 1) difference |= hash.charCodeAt(i) ^ (verifier.hash.charCodeAt(i) || 0);
  return difference === 0;
}

/** Keeps a fresh verifier after an online login (a new salt each time; the old one is replaced). */
export async function rememberPassword(username, password) {
  await putKv(key(username), await makeVerifier(password));
}

export function storedVerifier(username) {
  return getKv(key(username));
}
