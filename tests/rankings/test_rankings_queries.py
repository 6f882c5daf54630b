"""Query-count guards: a list costs the same number of queries whatever the number of places."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import PlaceKind, Regime
from inspections.models import PropertyCompany
from rankings.lists import compute_lists
from rankings.publication import publication_draft, publication_publish, publication_review

from .support import Versions, add_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db


def street_of(size: int, versions: Versions, code: str):
    street = make_street(code, f"街道{code}")
    company = PropertyCompany.objects.create(code=f"PC{code}", name=f"物业{code}")
    community = make_place(street, PlaceKind.COMMUNITY, f"{code}-K")
    for i in range(size):
        compound = make_place(street, PlaceKind.COMPOUND, f"{code}-C{i}", parent=community, company=company)
        station = make_place(street, PlaceKind.BIN_STATION, f"{code}-C{i}B", parent=compound)
        add_inspection(compound, Regime.MONTHLY_COVERT, local(2026, 5, 3), 500 + 40 * i, versions=versions,
                       vetoed=i == 0, failed={"B": 40})
        add_inspection(station, Regime.MONTHLY_COVERT, local(2026, 5, 4), 450 + 40 * i, versions=versions)
    return street


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_building_lists_does_not_grow_with_the_street():
    versions = Versions()
    small, large = street_of(3, versions, "S"), street_of(12, versions, "L")
    counts = [queries(lambda s=s: compute_lists(street=s, kind="month", period="2026-05")) for s in (small, large)]
    assert counts[0] == counts[1] <= 12


def test_a_published_page_and_its_json_cost_a_fixed_number_of_queries(client, settings):
    # The pages' own queries: the cache (a database table by default, with its own round trips) is in memory here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    versions = Versions()
    sizes = {}
    for size, code in ((3, "S"), (12, "L")):
        street = street_of(size, versions, code)
        draft = publication_draft(street=street, period_kind="month", period="2026-05", user=None)
        for category in draft.data["categories"]:
            for key in category["black"]:
                draft = publication_review(publication=draft, key=key, photo_ids=[])
        admin = get_user_model().objects.create_user(f"admin{code}", password="x", is_superuser=True)
        sizes[size] = publication_publish(publication=draft, user=admin)
    cache.clear()
    for pub in sizes.values():
        client.get(f"/public/lists/{pub.pk}/")  # fill the cache
    page_queries = {size: queries(lambda p=pub: client.get(f"/public/lists/{p.pk}/")) for size, pub in sizes.items()}
    api_queries = {size: queries(lambda p=pub: client.get(f"/api/v1/public/lists/{p.pk}/"))
                   for size, pub in sizes.items()}
    assert page_queries[3] == page_queries[12] == 1  # a cache hit: the snapshot's state only
    assert api_queries[3] == api_queries[12] <= 3
