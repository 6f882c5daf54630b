"""Benchmark: PUT the same inspections a second time (a phone retrying after a lost answer) vs the first PUT.

A replay must return the stored result and write nothing (SYNC.md rule 2): the run counts the rows SQLite
changed during the replays (`total_changes` of the connection; on PostgreSQL the row counts) and stops if there
is any. The bar: a replay costs at most 0.3 of a first PUT. Same stack and database set-up as bench/ingest.py,
`--database postgres` included.

Run: .venv/bin/python bench/replay.py [N] [--database sqlite|postgres]
"""

from __future__ import annotations

import json
import uuid

# isort: off
from ingest import N, database_label, inspection_body, jwt_client, put_all, setup_world  # first: Django, throwaway DB
from django.db import connection
# isort: on

from inspections.models import Answer, Inspection  # noqa: E402

BAR = 0.3


ROUNDS = 8


def main() -> None:
    per_round = N // ROUNDS
    world = setup_world()
    client, auth = jwt_client(world)
    put_all(client, auth, [(str(uuid.uuid4()), json.dumps(inspection_body(world, i))) for i in range(20)], 201)
    firsts, replays, writes = [], [], 0
    for _ in range(ROUNDS):
        requests = [(str(uuid.uuid4()), json.dumps(inspection_body(world, i))) for i in range(per_round)]
        firsts.append(put_all(client, auth, requests, 201))
        rows = Inspection.objects.count(), Answer.objects.count()
        changes = (lambda: connection.connection.total_changes) if connection.vendor == "sqlite" else (lambda: 0)
        changes_before = changes()
        replays.append(put_all(client, auth, requests, 200))
        writes += changes() - changes_before
        if writes or (Inspection.objects.count(), Answer.objects.count()) != rows:
            raise SystemExit(f"replays wrote {writes} rows: a replay must write nothing")
    # The least CPU of the rounds for each (as timeit does): this shared machine's noise only adds time.
    first, replay = min(firsts, key=lambda t: t.cpu), min(replays, key=lambda t: t.cpu)

    print(f"database: {database_label()}, {ROUNDS} rounds of {per_round} inspections"
          " with 50 answers each; the best round of each")
    for name, t in (("first PUT", first), ("replay", replay)):
        print(f"{name:>9}: {1000 * t.cpu / per_round:6.2f} ms CPU each (wall {1000 * t.wall / per_round:6.2f} ms each)")
    print(f"rows written by {per_round * ROUNDS} replays: {writes}")
    ratio = replay.cpu / first.cpu
    print(f"replay: {1000 * replay.cpu / per_round:.2f} ms per replay; {ratio:.2f} x first PUT (bar {BAR}): "
          f"{'met' if ratio <= BAR else 'missed'}")


if __name__ == "__main__":
    main()
