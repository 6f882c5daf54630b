"""A photo above the server's limit in Chromium (issue 10, point 2): the record arrives with its answers, the photo
is refused on its own, and the phone shows it as needing attention with the reason instead of retrying it."""

from __future__ import annotations

import pytest

from inspections.models import Inspection, Photo

from .browser import SYNC_TIMEOUT_MS, inspect_station, log_in, wait_for_worker

pytestmark = pytest.mark.django_db(transaction=True)

TEN_AND_A_HALF_MB = 10 * 1024 * 1024 + 512 * 1024

# What an older app (without the downscaling) or a misbehaving camera leaves in the outbox: the BS06 photo as
# 10.5 MB of bytes, with its manifest entry saying so. Changed in IndexedDB before the first upload.
ENLARGE_BS06 = """async (size) => {
  const db = await new Promise((resolve) => {
    const r = indexedDB.open("sortpatrol"); r.onsuccess = () => resolve(r.result);
  });
  const read = (store, key) => new Promise((resolve) => {
    const r = db.transaction(store).objectStore(store).get(key); r.onsuccess = () => resolve(r.result);
  });
  const records = await new Promise((resolve) => {
    const r = db.transaction("records").objectStore("records").getAll(); r.onsuccess = () => resolve(r.result);
  });
  const record = records.find((r) => r.state === "queued");
  const entry = record.body.photos.find((p) => p.item === "BS06");
  const photo = await read("photos", entry.uuid);
  const data = new Uint8Array(size);
  data.set(new Uint8Array(photo.data));
  const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  Object.assign(entry, { sha256: hex, bytes: size });
  Object.assign(record.photos.find((p) => p.uuid === entry.uuid), { sha256: hex, bytes: size });
  Object.assign(photo, { data: data.buffer, sha256: hex, bytes: size });
  const tx = db.transaction(["records", "photos"], "readwrite");
  tx.objectStore("records").put(record);
  tx.objectStore("photos").put(photo);
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
  return { inspection: record.uuid, photo: entry.uuid };
}"""

PHOTOS_LEFT = """async (inspection) => new Promise((resolve) => {
  const open = indexedDB.open("sortpatrol");
  open.onsuccess = () => {
    const all = open.result.transaction("photos").objectStore("photos").index("inspection").getAll(inspection);
    all.onsuccess = () => { resolve(all.result.map((p) => p.item).sort()); open.result.close(); };
  };
})"""


def test_a_photo_over_the_limit_is_shown_as_refused_and_the_record_arrives_with_its_answers(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    phone.set_offline(True)
    inspect_station(page, photo="gps/DSCN0025.jpg")
    ids = page.evaluate(ENLARGE_BS06, TEN_AND_A_HALF_MB)
    photo_puts = []
    page.on("request", lambda r: photo_puts.append(r.url) if r.method == "PUT" and "/photos/" in r.url else None)

    phone.set_offline(False)
    page.goto("/#/outbox")
    page.click("#sync-now")
    held = f"#outbox-list li[data-uuid='{ids['inspection']}'][data-state=attention]"
    page.wait_for_selector(held, timeout=SYNC_TIMEOUT_MS)
    item = page.locator(held)

    refused = page.locator(f"#outbox-list .refused-photo[data-photo='{ids['photo']}']")
    assert refused.get_attribute("data-code") == "too_large"
    assert "BS06" in refused.inner_text() and "照片过大：最大 10 MB" in refused.inner_text()
    assert "未被服务器接受" in item.inner_text()
    assert page.get_attribute("#queue-badge", "data-count") == "1"  # still shown until the inspector has seen it
    inspection = Inspection.objects.get(uuid=ids["inspection"])
    assert inspection.status == Inspection.Status.COMPLETE and "photo_refused" in inspection.flags
    assert inspection.answers.filter(item_code="BS06").exists()
    assert Photo.objects.get(uuid=ids["photo"]).refused_reason == "too_large"
    assert Photo.objects.get(inspection=inspection, item_code="BS08").received_at is not None
    # The refused photo was never sent (the server had said so), nor retried; the other one went once.
    assert not [url for url in photo_puts if ids["photo"] in url]
    assert len(photo_puts) == 1
    page.click("#sync-now")
    page.wait_for_selector("#sync-now:not([disabled])")
    assert not [url for url in photo_puts if ids["photo"] in url]
    assert page.evaluate(PHOTOS_LEFT, ids["inspection"]) == ["BS06", "BS08"]  # kept for the export until seen

    page.click(f"#outbox-list li[data-uuid='{ids['inspection']}'] button.acknowledge")
    page.wait_for_selector("#outbox-empty")
    page.wait_for_selector("#queue-badge[data-count='0']")
    assert page.evaluate(PHOTOS_LEFT, ids["inspection"]) == []
    assert Inspection.objects.get(uuid=ids["inspection"]).status == Inspection.Status.COMPLETE
