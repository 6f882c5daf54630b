"""Draft → review → publish → revise; a published snapshot never changes afterwards."""

import pytest

from checklists.models import Regime
from rankings.models import RankingPublication
from rankings.publication import (
    PublicationError,
    publication_draft,
    publication_publish,
    publication_review,
)

from .support import add_inspection, local, rescore

pytestmark = pytest.mark.django_db
COVERT = Regime.MONTHLY_COVERT


def test_publish_freezes_the_lists_and_later_changes_do_not_touch_them(street_may):
    s = street_may
    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    assert (draft.state, draft.revision) == ("draft", 1)
    bad_key = f"place:{s['bad'].id}"
    assert draft.data["categories"][0]["black"] == [bad_key]

    with pytest.raises(PublicationError) as refused:
        publication_publish(publication=draft, user=s["admin"])
    assert refused.value.code == "unreviewed"

    with pytest.raises(PublicationError) as wrong_photo:
        publication_review(publication=draft, key=bad_key, photo_ids=[s["other_photo"].id])
    assert wrong_photo.value.code == "photo_not_allowed"
    with pytest.raises(PublicationError) as not_black:
        publication_review(publication=draft, key=f"place:{s['good'].id}", photo_ids=[s["other_photo"].id])
    assert not_black.value.code == "not_black_listed"

    publication_review(publication=draft, key=bad_key, photo_ids=[s["bad_photo"].id])
    published = publication_publish(publication=draft, user=s["admin"])
    assert (published.state, published.published_by, published.supersedes) == ("published", s["admin"], None)
    frozen = RankingPublication.objects.get(pk=published.pk).data
    bad_entry = next(e for e in frozen["categories"][0]["entries"] if e["key"] == bad_key)
    assert bad_entry["photos"] == [{"id": s["bad_photo"].id, "item_code": "D", "display": s["bad_photo"].display,
                                    "thumbnail": s["bad_photo"].thumbnail}]
    assert bad_entry["reasons"][0]["code"] == "D" and bad_entry["reasons"][0]["veto"]

    # Later: a new inspection, a void. The snapshot is untouched; a new draft sees the change.
    add_inspection(s["good"], COVERT, local(2026, 5, 20), 500, versions=s["versions"])
    voided = s["bad"].inspections.get()
    voided.voided = True
    voided.save()
    rescore(voided)
    assert RankingPublication.objects.get(pk=published.pk).data == frozen
    with pytest.raises(PublicationError):
        publication_review(publication=published, key=bad_key, photo_ids=[])

    revision = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    assert (revision.revision, revision.state) == (2, "draft")
    names = [e["name"] for e in revision.data["categories"][0]["entries"]]
    assert names == ["其他小区", "好小区"]  # 好小区 now 73.0; 差小区's only inspection was voided
    for key in revision.data["categories"][0]["black"]:
        publication_review(publication=revision, key=key, photo_ids=[])
    with pytest.raises(PublicationError) as no_reason:
        publication_publish(publication=revision, user=s["admin"])
    assert no_reason.value.code == "reason_required"
    second = publication_publish(publication=revision, user=s["admin"], reason="作废一条误录的暗查记录")
    first = RankingPublication.objects.get(pk=published.pk)
    assert (first.state, second.state, second.supersedes_id) == ("superseded", "published", first.pk)
    assert first.data == frozen  # both kept, the old one unchanged
    assert RankingPublication.objects.filter(street=s["street"], period="2026-05").count() == 2


def test_a_recompute_keeps_review_marks_of_entries_still_listed(street_may):
    s = street_may
    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    bad_key = f"place:{s['bad'].id}"
    publication_review(publication=draft, key=bad_key, photo_ids=[s["bad_photo"].id])
    again = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    assert again.pk == draft.pk and again.reviewed == [bad_key]
    assert again.exposures == {bad_key: [s["bad_photo"].id]}


def test_bad_period_is_refused(street_may):
    with pytest.raises(PublicationError) as refused:
        publication_draft(street=street_may["street"], period_kind="month", period="2026-13", user=None)
    assert refused.value.code == "bad_period"
    assert not RankingPublication.objects.exists()
