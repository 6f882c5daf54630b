"""The desk pages drive the whole publication flow over HTTP; only admins may publish."""

import pytest

from inspections.models import Role
from rankings.models import RankingPublication

from .support import user_with

pytestmark = pytest.mark.django_db


def test_admin_computes_reviews_and_publishes_through_the_pages(client, street_may):
    s = street_may
    client.force_login(s["admin"])
    assert client.get("/staff/rankings/").status_code == 200
    response = client.post("/staff/rankings/draft/", {"street": s["street"].pk, "period_kind": "month",
                                                      "period": "2026-05"})
    draft = RankingPublication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/rankings/{draft.pk}/"
    page = client.get(f"/staff/rankings/{draft.pk}/").content.decode()
    assert "差小区" in page and f"/photos/{s['bad_photo'].uuid}/thumbnail/" in page and "未审核" in page
    photo = client.get(f"/photos/{s['bad_photo'].uuid}/thumbnail/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["Cache-Control"] == "private, max-age=3600"  # unpublished: for staff only

    client.post(f"/staff/rankings/{draft.pk}/publish/")
    assert RankingPublication.objects.get().state == "draft"  # refused: black entry not reviewed
    key = f"place:{s['bad'].id}"
    client.post(f"/staff/rankings/{draft.pk}/review/", {"key": key, "photos": [s["bad_photo"].pk], "reviewed": "1"})
    draft.refresh_from_db()
    assert draft.reviewed == [key] and draft.exposures == {key: [s["bad_photo"].pk]}
    response = client.post(f"/staff/rankings/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.state == "published" and draft.published_by == s["admin"]

    # Revise: a new draft, published with a reason.
    response = client.post(f"/staff/rankings/{draft.pk}/recompute/")
    second = RankingPublication.objects.get(revision=2)
    assert response["Location"] == f"/staff/rankings/{second.pk}/"
    client.post(f"/staff/rankings/{second.pk}/review/", {"key": key, "reviewed": "1"})
    client.post(f"/staff/rankings/{second.pk}/publish/", {"reason": "复核更正"})
    second.refresh_from_db()
    draft.refresh_from_db()
    assert (draft.state, second.state, second.revision_reason) == ("superseded", "published", "复核更正")


def test_bad_input_is_a_message_not_an_error(client, street_may):
    client.force_login(street_may["admin"])
    response = client.post("/staff/rankings/draft/", {"street": street_may["street"].pk, "period_kind": "month",
                                                      "period": "May"}, follow=True)
    assert response.status_code == 200 and "周期格式不正确" in response.content.decode()
    for street in ("abc", ""):
        response = client.post("/staff/rankings/draft/", {"street": street, "period_kind": "month",
                                                          "period": "2026-05"})
        assert response.status_code == 404
    assert client.get("/staff/ledger.xlsx", {"street": "x", "period_kind": "month"}).status_code == 404
    response = client.post("/staff/rankings/draft/", {"street": street_may["street"].pk, "period_kind": "year",
                                                      "period": "2026"}, follow=True)
    assert "请选择周期类型" in response.content.decode()
    assert not RankingPublication.objects.exists()


def test_who_may_see_and_who_may_publish(client, street_may):
    s = street_may
    inspector = user_with(Role.STREET_INSPECTOR, s["street"], "insp")
    company = user_with(Role.COMPANY_USER, s["street"], "pm")
    assert client.get("/staff/rankings/").status_code == 302  # anonymous → login
    client.force_login(company)
    assert client.get("/staff/rankings/").status_code == 403
    assert client.get("/staff/").status_code == 403
    client.force_login(inspector)
    assert client.get("/staff/rankings/").status_code == 200
    response = client.post("/staff/rankings/draft/", {"street": s["street"].pk, "period_kind": "month",
                                                      "period": "2026-05"})
    assert response.status_code == 403 and not RankingPublication.objects.exists()
