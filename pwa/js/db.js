// IndexedDB: the app's only durable store (pack, drafts, outbox, history, photos, session).
// Schema changes are additive: each version only adds stores or indexes, so queued records survive updates.

const DB_NAME = "sortpatrol";
const DB_VERSION = 1;

const UPGRADES = [
  // v1
  (db) => {
    db.createObjectStore("kv", { keyPath: "key" });
    const records = db.createObjectStore("records", { keyPath: "uuid" });
    records.createIndex("owner", "owner");
    const photos = db.createObjectStore("photos", { keyPath: "uuid" });
    photos.createIndex("inspection", "inspection");
  },
];

let opening = null;

/** Opens (and upgrades) the database once per context. */
export function openDb(factory = globalThis.indexedDB) {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => {
      for (let v = event.oldVersion; v < DB_VERSION; v += 1) UPGRADES[v](request.result);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab or a new worker upgrading the schema: let it, and reopen next time.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
    // onblocked: an older tab still has the database open; it closes on `versionchange` and we carry on.
  });
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export async function get(store, key) {
  const db = await openDb();
  return done(db.transaction(store).objectStore(store).get(key));
}

export async function put(store, value) {
  const db = await openDb();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).put(value);
  return finished(tx);
}

export async function remove(store, key) {
  const db = await openDb();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  return finished(tx);
}

export async function allBy(store, index, value) {
  const db = await openDb();
  return done(db.transaction(store).objectStore(store).index(index).getAll(value));
}

export async function all(store) {
  const db = await openDb();
  return done(db.transaction(store).objectStore(store).getAll());
}

/** Read-modify-write of one object in one transaction; `change` returns the new value (or undefined to skip). */
export async function update(store, key, change) {
  const db = await openDb();
  const tx = db.transaction(store, "readwrite");
  const objects = tx.objectStore(store);
  let result;
  const current = await done(objects.get(key));
  const next = change(current);
  if (next !== undefined) {
    objects.put(next);
    result = next;
  } else {
    result = current;
  }
  await finished(tx);
  return result;
}

/** Writes several objects to several stores atomically: [[store, value], ...] and deletions [[store, key], ...]. */
export async function writeMany(puts, deletes = []) {
  const db = await openDb();
  const names = [...new Set([...puts, ...deletes].map(([store]) => store))];
  const tx = db.transaction(names, "readwrite");
  for (const [store, value] of puts) tx.objectStore(store).put(value);
  for (const [store, key] of deletes) tx.objectStore(store).delete(key);
  return finished(tx);
}

export async function getKv(key) {
  const row = await get("kv", key);
  return row ? row.value : undefined;
}

export function putKv(key, value) {
  return put("kv", { key, value });
}
