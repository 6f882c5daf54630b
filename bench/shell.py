"""Benchmark: compressed bytes of the PWA's first load (HTML + JS + CSS + manifest) against a 170 KB budget.

A phone on a weak 3G signal should get the app installed in seconds. The shell page and the manifest come from
Django; every ES module the page imports and the stylesheet are exactly the files the service worker precaches
(`shell_static_files`). Each response is compressed the way WhiteNoise serves it: gzip level 9 (and brotli
when installed: the smaller of the two counts, as a browser that accepts both gets it).

Run: .venv/bin/python bench/shell.py
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from inspections.app_views import shell_static_files  # noqa: E402

BUDGET_KB = 170.0

try:
    import brotli  # type: ignore[import-not-found]
except ImportError:  # WhiteNoise only brotli-compresses when the package is installed
    brotli = None


def compressed_size(data: bytes) -> int:
    sizes = [len(gzip.compress(data, compresslevel=9, mtime=0))]
    if brotli is not None:
        sizes.append(len(brotli.compress(data)))
    return min(sizes)


def main() -> None:
    client = Client(HTTP_HOST="localhost")
    parts: list[tuple[str, bytes]] = []
    for url in ("/", "/manifest.json"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        parts.append((url, response.content))
    for path, url in shell_static_files():
        if path.suffix in {".js", ".css"}:
            parts.append((url, path.read_bytes()))
    raw = sum(len(body) for _, body in parts)
    total = sum(compressed_size(body) for _, body in parts)
    for url, body in sorted(parts, key=lambda p: -len(p[1]))[:8]:
        print(f"  {url:45s} {len(body) / 1024:7.1f} KB raw  {compressed_size(body) / 1024:6.1f} KB compressed")
    print(f"{len(parts)} responses, {raw / 1024:.1f} KB raw")
    kb = total / 1024
    ratio = kb / BUDGET_KB
    verdict = "met" if ratio <= 1.0 else "missed"
    print(f"shell: {kb:.1f} KB compressed; {ratio:.2f} x budget {BUDGET_KB:.0f} KB (bar 1.0): {verdict}")


if __name__ == "__main__":
    main()
