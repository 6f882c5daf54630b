"""The staff review page of a draft reads a fixed number of queries, however many black-list entries it shows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import PlaceKind, Regime
from inspections.models import Profile, Role
from rankings.publication import publication_draft

from .support import Versions, add_inspection, add_photo, local, make_place, make_street

pytestmark = pytest.mark.django_db


def street_with_failing_compounds(count: int, media_root):
    """`count` failing compounds under one community, each with a covert inspection and a photo; one good one."""
    versions = Versions()
    street = make_street(code=f"S{count}", name=f"街道{count}")
    community = make_place(street, PlaceKind.COMMUNITY, f"K{count}", "K社区")
    good = make_place(street, PlaceKind.COMPOUND, f"G{count}", "好小区", parent=community)
    add_inspection(good, Regime.MONTHLY_COVERT, local(2026, 5, 4), 960, versions=versions)
    failing = []
    for n in range(count):
        compound = make_place(street, PlaceKind.COMPOUND, f"B{count}-{n}", f"差小区{n}", parent=community)
        station = make_place(street, PlaceKind.BIN_STATION, f"BS{count}-{n}", f"投放点{n}", parent=compound)
        inspection = add_inspection(compound, Regime.MONTHLY_COVERT, local(2026, 5, 5 + n), 500 + n,
                                    versions=versions, failed={"A": 200})
        add_photo(inspection, media_root, item_code="A")
        at_station = add_inspection(station, Regime.MONTHLY_COVERT, local(2026, 5, 5 + n, 11), 400,
                                    versions=versions, failed={"B": 300})
        add_photo(at_station, media_root, item_code="B")
        failing.append(compound)
    admin = get_user_model().objects.create_user(f"admin{count}", password="x")
    Profile.objects.create(user=admin, role=Role.ADMIN, street=street, display_name="管理员")
    draft = publication_draft(street=street, period_kind="month", period="2026-05", user=admin)
    return admin, draft, failing


def review_page(client, admin, draft):
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/staff/rankings/{draft.pk}/")
    return response, len(queries)


def test_the_review_page_reads_as_many_queries_for_two_entries_as_for_eight(client, settings):
    counts = {}
    for n in (2, 8):
        admin, draft, failing = street_with_failing_compounds(n, settings.MEDIA_ROOT)
        black = [key for category in draft.data["categories"] for key in category["black"]]
        assert {f"place:{c.pk}" for c in failing} <= set(black)
        response, counts[n] = review_page(client, admin, draft)
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('name="key"') == len(black)  # one review form per black-list entry
        for compound in failing:
            assert f'value="place:{compound.pk}"' in page
            for photo in compound.inspections.get().photos.all():
                assert f'name="photos" value="{photo.pk}"' in page
    assert counts[2] == counts[8], counts
