"""Benchmark: a 12 MP camera JPEG through the photo pipeline vs Pillow decoding it alone (QUALITY.md).

The bar: processing (checks, full decode, upright, ≤ 1600 px display + thumbnail, re-encoded without
metadata) costs at most 2 × a plain full-resolution decode of the same file. JPEG draft mode does it:
libjpeg decodes at 1/2 scale, which already covers the 1600 px display copy.

Run: .venv/bin/python bench/photos.py
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from inspections.photos import process_photo  # noqa: E402

RUNS = 15
BAR = 2.0


def camera_like_jpeg(path: Path) -> bytes:
    """4000 × 3000 with gradients, shapes and sensor-like noise (compresses like a real photo, ~3-5 MB)."""
    width, height = 4000, 3000
    rng = random.Random(12)
    gradient = Image.linear_gradient("L").resize((width, height))
    base = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient.rotate(90)))
    draw = ImageDraw.Draw(base)
    for _ in range(400):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randrange(20, 400)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x, y, x + size, y + size // 2), fill=colour)
        else:
            draw.ellipse((x, y, x + size, y + size), outline=colour, width=rng.randrange(1, 12))
    noise = Image.effect_noise((width, height), 24).filter(ImageFilter.GaussianBlur(0.6))
    photo = Image.blend(base, Image.merge("RGB", (noise, noise, noise)), 0.25)
    exif = Image.Exif()
    exif[0x0112] = 6  # phone held upright: the pipeline has to rotate
    exif[0x010F] = "BenchCam"
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif)
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


def interleaved_medians(first, second, runs: int = RUNS) -> tuple[float, float]:
    """Median ms of each action, run alternately so that load from other processes hits both alike."""
    first(), second()  # warm-up: imports, codec tables, page cache
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def decode_alone(path: Path) -> None:
    with Image.open(path) as img:
        img.load()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "camera.jpg"
        data = camera_like_jpeg(path)
        with Image.open(path) as img:
            print(f"input: {img.size[0]}x{img.size[1]} JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6")
        result = process_photo(data)
        print(f"output: {result.width}x{result.height} upright; display {len(result.display) / 1e3:.0f} KB, "
              f"thumbnail {len(result.thumbnail) / 1e3:.0f} KB")
        decode_ms, process_ms = interleaved_medians(
            lambda: decode_alone(path), lambda: process_photo(path.read_bytes())
        )
    ratio = process_ms / decode_ms
    print(f"Pillow decode alone: {decode_ms:.0f} ms (median of {RUNS})")
    print(f"process_photo: {process_ms:.0f} ms (median of {RUNS})")
    verdict = "met" if ratio <= BAR else "missed"
    print(f"photos: {process_ms:.0f} ms per 12 MP photo; {ratio:.2f} x decode (bar {BAR}): {verdict}")


if __name__ == "__main__":
    main()
