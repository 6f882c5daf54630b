"""GCJ-02 ↔ WGS-84.

Chinese map pickers (Amap, Tencent) give GCJ-02 coordinates: WGS-84 shifted by a published,
deterministic but non-invertible-in-closed-form offset of a few hundred metres. Phones' GPS
gives WGS-84, so stored places must be WGS-84 or every distance check is off by ~500 m.

`gcj02_from_wgs84` is the standard forward transform. `wgs84_from_gcj02` inverts it by fixed-point
iteration: the offset varies slowly, so a few steps converge to well under a millimetre.
Outside mainland China the offset is not applied (the usual bounding-box test), so points pass through.
"""

from __future__ import annotations

import math

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as used by the transform
_EE = 0.00669342162296594323  # its first eccentricity squared


def outside_china(lat: float, lng: float) -> bool:
    return not (73.66 < lng < 135.05 and 3.86 < lat < 53.55)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def gcj02_from_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The forward transform: where a Chinese map shows a WGS-84 point."""
    if outside_china(lat, lng):
        return lat, lng
    d_lat = _offset_lat(lng - 105.0, lat - 35.0)
    d_lng = _offset_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def wgs84_from_gcj02(
    lat: float, lng: float, *, tolerance_deg: float = 1e-9, max_steps: int = 30
) -> tuple[float, float]:
    """The inverse: the WGS-84 point a Chinese map's GCJ-02 point stands for."""
    if outside_china(lat, lng):
        return lat, lng
    guess_lat, guess_lng = lat, lng
    for _ in range(max_steps):
        shown_lat, shown_lng = gcj02_from_wgs84(guess_lat, guess_lng)
        err_lat, err_lng = shown_lat - lat, shown_lng - lng
        guess_lat, guess_lng = guess_lat - err_lat, guess_lng - err_lng
        if abs(err_lat) < tolerance_deg and abs(err_lng) < tolerance_deg:
            break
    return guess_lat, guess_lng
