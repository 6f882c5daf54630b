"""Benchmark: inspections with 50 answers each PUT through the real stack vs the same rows in raw sqlite3.

The stack: Django's WSGI handler and middleware (test Client), a real JWT in the Authorization header,
DRF parsing, validation against a 50-item checklist version, scoring, one transaction storing the
inspection and its 50 answers, the `inspection_changed` listeners (period scores), the status body.
The baseline writes the same inspection row and 50 answer rows with the sqlite3 module, one
transaction per inspection. Both on a throwaway SQLite WAL database file, on one core.

With `--database postgres` both run against a throwaway PostgreSQL cluster started as the test suite starts
one (.ci/postgres.sh; stopped at exit whatever happens), and the baseline writes the same rows with psycopg.
The figures are this process's CPU time, so PostgreSQL's own work (another process) is in neither.

Run: .venv/bin/python bench/ingest.py [N] [--database sqlite|postgres]
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="sortpatrol-bench-"))


def _arguments() -> tuple[int, str]:
    """N (inspections, default 400) and --database (sqlite or postgres), from the command line."""
    args, database = list(sys.argv[1:]), "sqlite"
    if "--database" in args:
        at = args.index("--database")
        database = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
    if database not in ("sqlite", "postgres"):
        raise SystemExit("--database sqlite|postgres")
    return (int(args[0]) if args else 400), database


N, DATABASE = _arguments()


def _start_postgres() -> str:
    """A throwaway cluster (.ci/postgres.sh, as .ci/with-postgres.sh does for the tests), stopped at exit."""
    import atexit
    import socket
    import subprocess

    # Its own folder under /tmp (postgres.sh makes it the postgres user's): _TMP is private to this user.
    script, folder = ROOT / ".ci" / "postgres.sh", Path(tempfile.mkdtemp(prefix="sortpatrol-bench-pg-"))
    stop = lambda: subprocess.run([str(script), "stop", str(folder)], check=False)  # noqa: E731
    atexit.register(stop)  # whatever happens next, including an exception or SystemExit
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    try:
        started = subprocess.run([str(script), "start", str(folder), str(port)], check=True, capture_output=True,
                                 text=True)
    except subprocess.CalledProcessError as exc:
        stop()
        raise SystemExit(f"could not start PostgreSQL: {exc.stderr.strip()}") from None
    except BaseException:
        stop()
        raise
    return started.stdout.strip().splitlines()[-1]


# Production-like settings on a throwaway database, set before Django reads them.
os.environ["DATABASE_URL"] = _start_postgres() if DATABASE == "postgres" else f"sqlite:///{_TMP / 'bench.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
os.environ["DEBUG"] = "0"
os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["MEDIA_ROOT"] = str(_TMP / "media")
os.environ["PRIVATE_MEDIA_ROOT"] = str(_TMP / "private")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from checklists.models import Checklist, ChecklistVersion, Item, PlaceKind, Regime  # noqa: E402
from checklists.services import version_publish  # noqa: E402
from inspections.models import Answer, Inspection, Place, Profile, Role, Street  # noqa: E402
from inspections.signals import inspection_changed  # noqa: E402

N_ANSWERS = 50
STATIONS = 40
STATIONS_PER_COMPOUND = 5
BAR = 0.3  # the stack's rate as a share of the raw inserts' rate, measured in the same run


def setup_world() -> dict:
    """Migrate the throwaway database; one street inspector, one bin station, a published 50-item version."""
    if connection.vendor == "postgresql":
        _create_database()
    call_command("migrate", verbosity=0)
    street = Street.objects.create(code="BENCH", name="基准街道")
    community = Place.objects.create(street=street, kind=PlaceKind.COMMUNITY, code="B-C", name="社区")
    # Inspections spread over bin stations, a handful per compound, as in the field (scores are kept per place
    # and rolled up to compounds and communities).
    compounds = [
        Place.objects.create(
            street=street, kind=PlaceKind.COMPOUND, code=f"B-C-P{n}", name=f"小区{n}", parent=community
        )
        for n in range(STATIONS // STATIONS_PER_COMPOUND)
    ]
    stations = [
        Place.objects.create(
            street=street, kind=PlaceKind.BIN_STATION, code=f"B-C-P-B{n:02d}", name=f"投放点{n}",
            parent=compounds[n // STATIONS_PER_COMPOUND], lat=Decimal("29.5912"), lng=Decimal("106.4621"),
        )
        for n in range(STATIONS)
    ]
    user = User.objects.create_user("bench", password="x")
    Profile.objects.create(user=user, role=Role.STREET_INSPECTOR, street=street, display_name="基准")
    checklist, _ = Checklist.objects.get_or_create(
        place_kind=PlaceKind.BIN_STATION, regime=Regime.QUARTERLY_ASSESSMENT, defaults={"title": "基准"}
    )
    number = (checklist.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ChecklistVersion.objects.create(checklist=checklist, number=number)
    kinds = [("check", {}), ("deduct", {"per_fault": Decimal("0.5")}), ("percent", {"target": 90, "per_percent": 1})]
    Item.objects.bulk_create(
        Item(version=version, code=f"Q{n:02d}", order=n, label=f"项{n}", type=kinds[n % 3][0], points=Decimal(2),
             photo="optional", **kinds[n % 3][1])
        for n in range(N_ANSWERS)
    )
    version = version_publish(version=version)
    return {"user": user, "places": stations, "version": version}


def _create_database() -> None:
    """The cluster starts with the `postgres` database only: create the one DATABASE_URL names."""
    import psycopg

    name = connection.settings_dict["NAME"]
    with psycopg.connect(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def inspection_body(world: dict, n: int) -> dict:
    values = {
        "check": lambda i: "pass" if i % 4 else "fail",
        "deduct": lambda i: i % 3,
        "percent": lambda i: 85 + i % 10,
    }
    kinds = ["check", "deduct", "percent"]
    return {
        "checklist_version": world["version"].pk,
        "place": world["places"][n % STATIONS].code,
        "regime": "quarterly_assessment",
        "device_id": "bench-phone",
        "started_at": "2026-05-10T09:00:00+08:00",
        "finished_at": f"2026-05-10T09:{n % 60:02d}:00+08:00",
        "location": {"lat": 29.5915, "lng": 106.4622, "accuracy": 8.0, "captured_at": "2026-05-10T09:01:00+08:00"},
        "answers": [{"item": f"Q{i:02d}", "value": values[kinds[i % 3]](i + n)} for i in range(N_ANSWERS)],
        "photos": [],
    }


def jwt_client(world: dict) -> tuple[Client, dict]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(world['user'])}"}


class Timing:
    """Wall-clock and CPU seconds of a block. The figures use CPU time: this machine's 2 cores are shared with
    other work, and CPU seconds are what one core spends (SQLite WAL with synchronous=NORMAL does not wait on
    the disk at commit, so almost nothing is spent off the CPU). Wall time is printed alongside."""

    def __enter__(self) -> Timing:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def put_all(client: Client, auth: dict, requests: list[tuple[str, str]], expected: int) -> Timing:
    """PUT each (uuid, json) once. Every answer must have the expected status."""
    with Timing() as timing:
        for inspection_uuid, raw in requests:
            response = client.put(
                f"/api/v1/inspections/{inspection_uuid}/", raw, content_type="application/json", **auth
            )
            if response.status_code != expected:
                raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
    return timing


def _insert_sql(table: str, fields: list) -> str:
    return f"INSERT INTO {table} ({', '.join(f.column for f in fields)}) VALUES ({', '.join('?' * len(fields))})"


def raw_baseline(world: dict, n: int) -> Timing:
    return raw_psycopg(world, n) if connection.vendor == "postgresql" else raw_sqlite3(world, n)


def raw_psycopg(world: dict, n: int) -> Timing:
    """The same rows with psycopg: one transaction per inspection, the row's id returned, answers with
    executemany."""
    import psycopg

    inspection_fields = [f for f in Inspection._meta.concrete_fields if not f.primary_key]
    answer_fields = [f for f in Answer._meta.concrete_fields if not f.primary_key]
    insert_inspection = _insert_sql(Inspection._meta.db_table, inspection_fields).replace("?", "%s") + " RETURNING id"
    insert_answer = _insert_sql(Answer._meta.db_table, answer_fields).replace("?", "%s")
    template = Inspection.objects.order_by("pk").first()
    row = {f.column: f.get_db_prep_save(getattr(template, f.attname), connection) for f in inspection_fields}
    answers = list(Answer.objects.filter(inspection=template).order_by("pk"))
    with psycopg.connect(os.environ["DATABASE_URL"]) as db, Timing() as timing:
        for _ in range(n):
            with db.transaction(), db.cursor() as cursor:
                values = {**row, "uuid": uuid.uuid4()}
                cursor.execute(insert_inspection, [values[f.column] for f in inspection_fields])
                inspection_id = cursor.fetchone()[0]
                cursor.executemany(
                    insert_answer,
                    [
                        [inspection_id if f.column == "inspection_id" else
                         f.get_db_prep_save(getattr(a, f.attname), connection) for f in answer_fields]
                        for a in answers
                    ],
                )
    return timing


def raw_sqlite3(world: dict, n: int) -> Timing:
    """The same rows with the sqlite3 module: one transaction per inspection, answers with executemany."""
    inspection_fields = [f for f in Inspection._meta.concrete_fields if not f.primary_key]
    answer_fields = [f for f in Answer._meta.concrete_fields if not f.primary_key]
    insert_inspection = _insert_sql(Inspection._meta.db_table, inspection_fields)
    insert_answer = _insert_sql(Answer._meta.db_table, answer_fields)
    template = Inspection.objects.order_by("pk").first()
    row = {f.column: f.get_db_prep_save(getattr(template, f.attname), connection) for f in inspection_fields}
    answers = list(Answer.objects.filter(inspection=template).order_by("pk"))
    db = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with Timing() as timing:
        _raw_rows(db, n, row, answers, inspection_fields, answer_fields, insert_inspection, insert_answer)
    db.close()
    return timing


def _raw_rows(db, n, row, answers, inspection_fields, answer_fields, insert_inspection, insert_answer) -> None:
    for _ in range(n):
        db.execute("BEGIN IMMEDIATE")
        values = {**row, "uuid": uuid.uuid4().hex}
        cursor = db.execute(insert_inspection, [values[f.column] for f in inspection_fields])
        inspection_id = cursor.lastrowid
        db.executemany(
            insert_answer,
            [
                [inspection_id if f.column == "inspection_id" else f.get_db_prep_save(getattr(a, f.attname), connection)
                 for f in answer_fields]
                for a in answers
            ],
        )
        db.execute("COMMIT")


ROUNDS = 8


def best(timings: list[Timing]) -> Timing:
    """The round that used the least CPU: this shared machine's noise only ever adds time (as timeit does)."""
    return min(timings, key=lambda t: t.cpu)


def main() -> None:
    per_round = N // ROUNDS
    world = setup_world()
    client, auth = jwt_client(world)
    warmup = [(str(uuid.uuid4()), json.dumps(inspection_body(world, i))) for i in range(20)]
    put_all(client, auth, warmup, 201)
    stack, alone, raw = [], [], []
    receivers = inspection_changed.receivers
    for _ in range(ROUNDS):
        # Rounds interleave the three measurements so that each sees the same machine.
        requests = [(str(uuid.uuid4()), json.dumps(inspection_body(world, i))) for i in range(per_round)]
        stack.append(put_all(client, auth, requests, 201))
        # The same without the `inspection_changed` listeners (period scores and rankings, kept up to date
        # inside the same transaction): shows what the sync API itself costs and what the listeners add.
        inspection_changed.receivers = []
        inspection_changed.sender_receivers_cache.clear()
        try:
            again = [(str(uuid.uuid4()), json.dumps(inspection_body(world, i))) for i in range(per_round)]
            alone.append(put_all(client, auth, again, 201))
        finally:
            inspection_changed.receivers = receivers
            inspection_changed.sender_receivers_cache.clear()
        raw.append(raw_baseline(world, per_round))
    stored = 20 + 3 * per_round * ROUNDS  # warm-up, then each round: with listeners, without, raw sqlite3
    assert Inspection.objects.count() == stored and Answer.objects.count() == stored * N_ANSWERS
    stack_t, alone_t, raw_t = best(stack), best(alone), best(raw)
    per_second, raw_per_second = per_round / stack_t.cpu, per_round / raw_t.cpu
    baseline = "raw psycopg" if connection.vendor == "postgresql" else "raw sqlite3"
    print(f"database: {database_label()}, {ROUNDS} rounds of {per_round} inspections"
          f" × {N_ANSWERS} answers; the best round of each")
    for name, t in (("through the stack", stack_t), ("without listeners", alone_t), (baseline, raw_t)):
        print(f"{name:>17}: {1000 * t.cpu / per_round:6.2f} ms CPU each = {per_round / t.cpu:5.0f}/s per core "
              f"(wall {1000 * t.wall / per_round:6.2f} ms each = {per_round / t.wall:5.0f}/s)")
    all_rounds = ", ".join(f"{per_round / t.cpu:.0f}" for t in stack)
    print(f"every round through the stack (/s per core): {all_rounds}")
    ratio = per_second / raw_per_second
    print(f"ingest: {per_second:.0f} inspections/s; {ratio:.2f} x {baseline} (bar {BAR}): "
          f"{'met' if ratio >= BAR else 'missed'}")


def database_label() -> str:
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000} (throwaway cluster, fsync off as in the tests)"
    return f"{connection.settings_dict['NAME']} (SQLite WAL)"


if __name__ == "__main__":
    main()
