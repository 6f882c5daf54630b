"""What the browser tests do in the PWA, as a person would: log in, wait for the service worker, inspect.

Not a test module; the `street` fixture these steps expect is in conftest.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
PASSWORD = "correct horse"
STATION_LAT, STATION_LNG = Decimal("29.563000"), Decimal("106.456000")
SYNC_TIMEOUT_MS = 60_000


CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def log_in(page, username="wang", *, ready="#place-list a.place"):
    """Logs in and waits for the pack: `ready` is what shows once it is there (a responsible party, who inspects
    nothing, gets an empty place list: ready="#place-list-note[data-state=empty]")."""
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(f"{ready}, #login-error:not(:empty)")
    refusal = page.locator("#login-error").all_text_contents()
    assert not any(refusal), f"login of {username} refused: {refusal} (form: {page.input_value('#username')!r})"
    page.wait_for_selector(ready)


def wait_for_worker(page):
    """The service worker controls the page (so a reload works offline)."""
    # A function, not an expression string: Playwright evals strings in the page, which its CSP forbids.
    page.wait_for_function("() => navigator.serviceWorker?.controller != null", timeout=20_000)


CLEAN = {"deduct": "0", "percent": "100"}


def start_inspection(page, regime: str, *, from_tabs: bool = False) -> None:
    """Opens bin station LF-01-01-BS01 from the place list and starts an inspection of `regime`."""
    if from_tabs:
        page.click("#tabs a[data-tab=places]")
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.check(f"input[name=regime][value={regime}]")
    page.click("#start-inspection")
    page.wait_for_selector("article.item")


def answer_the_rest(page) -> None:
    """Answers every required item still open with a clean result (pass, no faults, 100%): an inspection is
    finished only once every scored item is answered (docs/sync.md)."""
    codes = page.eval_on_selector_all("article.item[data-required][data-state=unanswered]",
                                      "els => els.map((e) => [e.dataset.item, e.dataset.type])")
    for code, type_ in codes:
        if type_ == "check":
            page.check(f"#item-{code} input[value=pass]")
        elif type_ == "percent":  # the percent itself, not a sample: one input mode is shown at a time
            page.check(f"input[name=answer-{code}-mode][value=direct]")
            page.fill(f"input[name=answer-{code}]", CLEAN["percent"])
        else:
            page.fill(f"input[name=answer-{code}]", CLEAN.get(type_, "1"))
    page.wait_for_function("() => !document.querySelector('article.item[data-required][data-state=unanswered]')")


def weekly_visit(page) -> None:
    """A weekly guidance visit at the bin station, every item answered, finished into the outbox."""
    start_inspection(page, "weekly_guidance", from_tabs=True)
    page.fill("input[name=answer-BS16]", "7")
    answer_the_rest(page)
    page.click("#finish")
    page.wait_for_selector("#outbox-list li.outbox-item")


def inspect_station(page, *, photo: str, fail_bs01: bool = False, reload_midway: bool = False) -> str:
    """Runs the monthly covert checklist at the bin station; returns the provisional score shown."""
    start_inspection(page, "monthly_covert", from_tabs=True)
    page.check(f"#item-BS01 input[value={'fail' if fail_bs01 else 'pass'}]")
    page.fill("input[name=answer-BS06-checked]", "12")
    page.fill("input[name=answer-BS06-wrong]", "2")
    page.press("input[name=answer-BS06-wrong]", "Tab")
    page.check("#item-BS08 input[value=pass]")
    page.set_input_files("#photo-BS06", str(PHOTOS / photo))
    page.wait_for_selector("#item-BS06 .photos img")
    page.set_input_files("#photo-BS08", str(PHOTOS / "gps" / "DSCN0010.jpg"))
    page.wait_for_selector("#item-BS08 .photos img")
    if reload_midway:  # the draft is saved as it is typed: a reload (offline too) loses nothing
        page.reload()
        page.wait_for_selector("#item-BS08 .photos img")
        assert page.locator(f"#item-BS01 input[value={'fail' if fail_bs01 else 'pass'}]").is_checked()
        assert page.input_value("input[name=answer-BS06-wrong]") == "2"
        assert page.locator("#item-BS06 .photos img").count() == 1
    answer_the_rest(page)
    if fail_bs01:
        page.click("#finish")
        page.wait_for_selector("#finish-error:has-text('BS01')")
        page.set_input_files("#photo-BS01", str(PHOTOS / "gps" / "DSCN0012.jpg"))
        page.wait_for_selector("#item-BS01 .photos img")
    score = page.get_attribute("#provisional-score", "data-score")
    page.click("#finish")
    page.wait_for_selector("#outbox-list")
    return score


def log_out(page):
    """Logs out as a person does: the header's menu, 退出登录, then confirm."""
    page.click("#menu-button")
    page.click("#menu #logout")
    page.click("#logout-yes")
    page.wait_for_selector("#login-form")


def open_case(page, number: str) -> None:
    """From the 整改 (or 待复查) tab, the case with this number."""
    page.click("#tabs a[data-tab=cases]")
    page.click(f"#case-list li[data-number='{number}'] a.place")
    page.wait_for_selector("#case-heading")


def add_case_photos(page, *photos: str) -> None:
    """Takes the photos into the case's form (the camera input), waiting for each thumbnail."""
    for n, photo in enumerate(photos, start=1):
        page.set_input_files("#case-photo", str(PHOTOS / photo))
        page.wait_for_function(f"() => document.querySelectorAll('.case-photos img').length === {n}")
