"""Lighthouse (issue 11): the app at /, a published public list and the staff dashboard score at least 95 in
accessibility and best practices, on Lighthouse's mobile profile, as production serves them
(tests/e2e/lighthouse_site.py).

Performance is not asserted here: its score follows the machine's load (one run of the public list scored anywhere
from 80 to 100 on this shared 2-core machine), and speed is shown by benchmarks against a baseline measured in the
same run, never by timed assertions: bench/lighthouse.py. Accessibility and best practices do not depend on the
machine's speed, so one run per page is the page's score."""

from __future__ import annotations

import os

import pytest

from tests.e2e.lighthouse_site import LIGHTHOUSE_CLI, failing_audits, lighthouse, production_site

pytestmark = pytest.mark.e2e

CATEGORIES = ("accessibility", "best-practices")
BAR = 0.95

# A developer's plain `pytest` without Lighthouse skips this module and says how to install it; `make test`
# (which installs it) sets SORTPATROL_REQUIRE_LIGHTHOUSE, and there a missing Lighthouse fails the run.
if not LIGHTHOUSE_CLI.exists():
    reason = f"Lighthouse is not installed ({LIGHTHOUSE_CLI} is missing): run `make lighthouse`"
    if os.environ.get("SORTPATROL_REQUIRE_LIGHTHOUSE"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One production-like server for the three pages."""
    with production_site(tmp_path_factory.mktemp("production")) as running:
        yield running


@pytest.mark.parametrize("page", ["app", "public list", "staff dashboard"])
def test_lighthouse_accessibility_and_best_practices_at_least_95(site, page):
    url, headers = site.pages()[page]

    report = lighthouse(url, headers, CATEGORIES)

    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    print(f"Lighthouse {page} ({url}): " + ", ".join(f"{c} {round(s * 100)}" for c, s in scores.items()))  # noqa: T201
    below = [c for c in CATEGORIES if scores[c] < BAR]
    assert not below, f"{page}: under {round(BAR * 100)}:\n" + "\n".join(
        f"  {c} {round(scores[c] * 100)}:\n" + "\n".join(failing_audits(report, c)) for c in below)
