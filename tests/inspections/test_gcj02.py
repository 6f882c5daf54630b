"""GCJ-02 → WGS-84: under 1 m error across Chongqing, checked by converting back."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from inspections.gcj02 import gcj02_from_wgs84, outside_china, wgs84_from_gcj02

# A grid over Chongqing municipality (28.1–32.2 N, 105.2–110.2 E) plus named points.
CHONGQING_GRID = [(28.1 + 0.41 * i, 105.2 + 0.5 * j) for i in range(11) for j in range(11)]
NAMED = [
    (29.5630, 106.4560),  # 联芳街道, Shapingba
    (29.5587, 106.5516),  # Jiefangbei
    (29.7190, 106.6380),  # Jiangbei airport
]


@pytest.mark.parametrize(("lat", "lng"), CHONGQING_GRID + NAMED)
def test_it_inverts_the_forward_transform_within_a_metre(lat, lng):
    shown = gcj02_from_wgs84(lat, lng)
    recovered = wgs84_from_gcj02(*shown)
    assert geodesic((lat, lng), recovered).meters < 1.0
    # The forward round trip from the recovered point lands back on the GCJ-02 input too.
    assert geodesic(shown, gcj02_from_wgs84(*recovered)).meters < 1.0


def test_the_offset_is_real_in_shapingba():
    # Without conversion a GCJ-02 point is hundreds of metres off: the reason the import converts.
    shown = gcj02_from_wgs84(29.5630, 106.4560)
    assert 200 < geodesic((29.5630, 106.4560), shown).meters < 800


def test_a_known_reference_point():
    # Tiananmen, widely published: WGS-84 (39.90734, 116.39089) shows at GCJ-02 ≈ (39.90874, 116.39713).
    lat, lng = gcj02_from_wgs84(39.90734, 116.39089)
    assert geodesic((lat, lng), (39.90874, 116.39713)).meters < 5


@pytest.mark.parametrize(("lat", "lng"), [(48.8584, 2.2945), (-33.8568, 151.2153), (22.3, 114.2 - 100)])
def test_points_outside_china_pass_through(lat, lng):
    assert outside_china(lat, lng)
    assert wgs84_from_gcj02(lat, lng) == (lat, lng)
    assert gcj02_from_wgs84(lat, lng) == (lat, lng)
