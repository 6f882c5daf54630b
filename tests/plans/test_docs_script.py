"""The script of docs/sampling.md, run as it is printed there, agrees with the server's draw (plans/draw.py) for
100 random eligible sets, per-community minimum included; the public page shows the same script."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

from plans.draw import commitment_of, draw_sample

DOC = Path(settings.BASE_DIR) / "docs" / "sampling.md"


def doc_script() -> str:
    text = DOC.read_text(encoding="utf-8")
    part = text.split("## Check it yourself", 1)[1]
    return re.search(r"```python\n(.*?)```", part, re.S).group(1)


def test_the_page_shows_the_script_of_the_doc():
    assert doc_script() == get_template("plans/public/verify_sample.txt").template.source
    assert len(doc_script().strip().splitlines()) <= 25


def test_the_docs_script_recomputes_the_servers_draw(tmp_path):
    script = tmp_path / "verify_sample.py"
    script.write_text(doc_script(), encoding="utf-8")
    rng = random.Random(2026)
    cases = []
    for index in range(100):
        seed = rng.randbytes(32)
        eligible = sorted([f"{rng.choice('PU')}{i:03d}-{index}", f"K{rng.randrange(1, 8)}"]
                          for i in range(rng.randrange(1, 60)))
        n = rng.randrange(0, len(eligible) + 1)
        minimum = rng.choice((0, 1, 1, 2))
        data = {"seed": seed.hex(), "n": n, "community_minimum": minimum, "eligible": eligible}
        path = tmp_path / f"draw{index}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        cases.append((path, seed, eligible, n, minimum))
    # One interpreter per case, as a reader runs it (argument form); the first also through standard input.
    first = cases[0][0]
    bare = [sys.executable, "-I", "-S", str(script)]  # isolated, no site-packages: the standard library only
    piped = subprocess.run(bare, input=first.read_text(), capture_output=True, text=True, check=True, timeout=30)
    for path, seed, eligible, n, minimum in cases:
        result = subprocess.run([*bare, str(path)], capture_output=True, text=True, check=True, timeout=30)
        lines = result.stdout.splitlines()
        assert lines[0] == f"sha256 {commitment_of(seed)}"
        assert [line for line in lines[1:] if line] == draw_sample(seed, [tuple(p) for p in eligible], n, minimum)
        if path == first:
            assert piped.stdout == result.stdout
