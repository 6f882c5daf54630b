"""The login lockout holds across two real gunicorn workers, under concurrent attempts and rotating
X-Forwarded-For headers.

Each test migrates its own database (a SQLite file in tmp_path, or a fresh PostgreSQL database next to the test
database when DATABASE_URL is postgres://), starts `gunicorn backend.wsgi -w 2` on a free port, and talks HTTP
to it. The access log records each answer's worker pid, to show that both workers took part."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "patrol-2026-secret"
USER_LIMIT = 4
ADDRESS_LIMIT = 8
LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定"


@contextmanager
def server_database(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    import psycopg

    name = f"sortpatrol_workers_{uuid.uuid4().hex[:10]}"
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))  # the URL's own database may not exist
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    access_log: Path

    def worker_pids(self, path: str) -> Counter:
        pids = Counter()
        for line in self.access_log.read_text().splitlines():
            match = re.match(r"<(\d+)> \d+ POST (\S+)", line)
            if match and match.group(2) == path:
                pids[match.group(1)] += 1
        return pids


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def server(request, tmp_path) -> Iterator[Server]:
    proxies = request.param
    with server_database(tmp_path) as database_url:
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DATABASE_URL=database_url,
            DEBUG="1",
            SECRET_KEY="workers-test-" + uuid.uuid4().hex * 2,
            ALLOWED_HOSTS="127.0.0.1",
            TRUSTED_PROXIES=str(proxies),
            LOGIN_FAILURE_LIMIT=str(USER_LIMIT),
            LOGIN_ADDRESS_FAILURE_LIMIT=str(ADDRESS_LIMIT),
            LOGIN_LOCKOUT_MINUTES="15",
            THROTTLE_LOGIN="100000/min",  # only the lockout may answer 429 here
        )
        env.pop("CACHE_URL", None)
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run(
            [
                sys.executable, "manage.py", "shell", "-c",
                "from django.contrib.auth import get_user_model as g; U = g();"
                f"U.objects.create_user('wang', password='{PASSWORD}');"
                f"U.objects.create_user('li', password='{PASSWORD}');"
                f"U.objects.create_superuser('boss', 'boss@example.cn', '{PASSWORD}')",
            ],
            env,
        )
        port = free_port()
        access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
        process = subprocess.Popen(
            [
                str(GUNICORN), "backend.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "120",
                "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(r)s",
                "--error-logfile", str(error_log),
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:  # poll until both workers answer, within a deadline
                assert process.poll() is None, error_log.read_text()
                try:
                    urllib.request.urlopen(f"{url}/admin/login/", timeout=10).close()
                    break
                except OSError:  # refused, reset, or a worker still booting past the probe's timeout
                    assert time.monotonic() < deadline, "gunicorn did not start in time:\n" + error_log.read_text()
                    time.sleep(0.1)
            yield Server(url, access_log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def post_token(server: Server, username: str, password: str, forwarded: str | None = None) -> tuple[int, dict, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{server.url}/api/v1/auth/token/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def admin_login(server: Server, username: str, password: str) -> tuple[int, str]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{server.url}/admin/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"})
    try:
        with opener.open(f"{server.url}/admin/login/", data=form.encode(), timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def burst(calls) -> list[tuple[int, dict, dict]]:
    """Send every attempt at once (eight at a time), so both workers race on the same counters."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda call: call(), calls))


def outcome(results) -> Counter:
    return Counter((status, body.get("error", {}).get("code")) for status, _headers, body in results)


@pytest.mark.parametrize("server", [0], indirect=True)
def test_two_workers_count_one_lock_and_a_rotating_forwarded_for_does_not_escape_it(server):
    # 3x the username limit at once, each attempt claiming another address in X-Forwarded-For (not trusted here).
    attempts = [
        (lambda n=n: post_token(server, "wang", "guess", forwarded=f"198.51.100.{n}, 192.0.2.{n}"))
        for n in range(3 * USER_LIMIT)
    ]
    results = burst(attempts)
    # Exactly the limit's number of passwords was checked, though two processes raced on the counter.
    assert outcome(results) == {(401, "invalid_credentials"): USER_LIMIT, (429, "locked_out"): 2 * USER_LIMIT}
    assert len(server.worker_pids("/api/v1/auth/token/")) == 2, server.access_log.read_text()

    status, headers, body = post_token(server, "wang", PASSWORD, forwarded="203.0.113.1")
    assert status == 429 and body["error"]["code"] == "locked_out"
    assert LOCKED_MESSAGE in body["error"]["message"]
    assert 0 < int(headers["Retry-After"]) <= 15 * 60

    # Refused attempts claimed nothing: the address holds USER_LIMIT failures; other names fill it up.
    others = [(lambda n=n: post_token(server, f"guess{n}", "guess", forwarded=f"10.9.8.{n}")) for n in range(8)]
    results = burst(others)
    address_room = ADDRESS_LIMIT - USER_LIMIT
    assert outcome(results) == {(401, "invalid_credentials"): address_room, (429, "locked_out"): 8 - address_room}
    status, _headers, body = post_token(server, "li", PASSWORD, forwarded="203.0.113.2")
    assert status == 429 and body["error"]["code"] == "locked_out"

    status, page = admin_login(server, "boss", PASSWORD)  # the admin login answers for the same address
    assert status == 429 and LOCKED_MESSAGE in page


@pytest.mark.parametrize("server", [1], indirect=True)
def test_behind_one_trusted_proxy_the_rightmost_address_counts_and_spoofed_entries_do_not_help(server):
    client = "203.0.113.5"
    attempts = [
        (lambda n=n: post_token(server, f"guess{n}", "guess", forwarded=f"198.51.100.{n}, {client}"))
        for n in range(ADDRESS_LIMIT + 4)
    ]
    results = burst(attempts)
    assert outcome(results) == {(401, "invalid_credentials"): ADDRESS_LIMIT, (429, "locked_out"): 4}
    assert len(server.worker_pids("/api/v1/auth/token/")) == 2, server.access_log.read_text()

    status, _headers, body = post_token(server, "li", PASSWORD, forwarded=f"192.0.2.77, {client}")
    assert status == 429 and body["error"]["code"] == "locked_out"
    # Another client behind the proxy (its address rightmost), even naming the locked one on the left: welcome.
    status, _headers, body = post_token(server, "li", PASSWORD, forwarded=f"{client}, 203.0.113.6")
    assert status == 200 and body["user"]["username"] == "li"
