"""The demo history: months of plausible inspections, then published monthly and quarterly lists."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from checklists.models import ChecklistVersion
from inspections.demo.street import demo_street_seed
from inspections.models import Inspection, Photo
from rankings.demo import demo_history_seed
from rankings.models import PlaceScore, RankingPublication

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 4, 0, tzinfo=dt.UTC)


def test_demo_history_publishes_monthly_and_quarterly_lists(client):
    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_street_seed()
    written = demo_history_seed(now=NOW)
    assert written > 1000
    assert Inspection.objects.filter(device_id="demo-history").count() == written
    published = RankingPublication.objects.filter(state="published")
    assert sorted(published.filter(period_kind="month").values_list("period", flat=True)) == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert list(published.filter(period_kind="quarter").values_list("period", flat=True)) == ["2026-Q3"]
    october = published.get(period="2026-10")
    compounds = october.data["categories"][0]
    assert len(compounds["entries"]) == 40 and compounds["red"] and compounds["black"]
    assert all(e["trend"] is not None for e in compounds["entries"])  # every compound was in September too
    photos = [p for e in compounds["entries"] for p in e["photos"]]
    assert photos and all(p["display"].startswith("photos/") for p in photos)  # public derivatives only
    before = PlaceScore.objects.count()
    assert demo_history_seed(now=NOW) == 0 and PlaceScore.objects.count() == before  # runs once
    cache.clear()
    page = client.get(f"/public/lists/{october.pk}/")
    assert page.status_code == 200 and "联芳街道" in page.content.decode()
    exposed = Photo.objects.get(pk=photos[0]["id"])
    assert f"/photos/{exposed.uuid}/thumbnail/" in page.content.decode()
    image = client.get(f"/photos/{exposed.uuid}/display/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_demo_history_carries_cases_in_every_state(client):
    """Issue 13: `make run` shows the loop. (Appeals are not built yet: no decided appeal.)"""
    from rectifications.ledger import overdue_q
    from rectifications.models import CaseEvent, CaseState, RectificationCase
    from rectifications.selectors import visible_to_party

    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_street_seed()
    demo_history_seed(now=NOW)

    cases = RectificationCase.objects.all()
    assert set(cases.values_list("state", flat=True)) == set(CaseState.values)
    assert cases.filter(overdue_q(NOW)).exists() and cases.filter(state=CaseState.OPEN).exclude(overdue_q(NOW))
    hidden = cases.filter(covert=True).exclude(pk__in=visible_to_party(cases))
    assert hidden.count() == 1 and hidden.get().state == CaseState.OPEN
    assert cases.filter(state=CaseState.CLOSED).count() >= 3 and cases.filter(source="manual").count() == 1
    for case in cases:  # each timeline starts with its opening and ends in the case's state
        assert case.events.order_by("at", "pk").first().kind == "opened"
        assert all(event.at <= NOW for event in case.events.all())
    assert CaseEvent.objects.filter(kind="escalated").count() == 1
    client.force_login(get_user_model().objects.get(username="admin"))
    with_photos = next(c for c in cases.filter(state=CaseState.OPEN) if visible_to_party(c) and Photo.objects.filter(
        inspection=c.source_inspection, item_code=c.item_code).exists())
    notice = client.get(f"/staff/cases/{with_photos.pk}/notice/")
    assert notice.status_code == 200 and b'src="data:image/jpeg;base64,' in notice.content
    ledger = client.get("/staff/cases/")
    assert ledger.status_code == 200 and all(case.number in ledger.content.decode() for case in cases)
