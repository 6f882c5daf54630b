import pytest

from rankings.publication import publication_draft, publication_publish, publication_review


@pytest.fixture
def published_list(street_may) -> dict:
    """street_may's May list published (`pub`), 差小区's photo exposed; with everything of street_may."""
    s = street_may
    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    publication_review(publication=draft, key=f"place:{s['bad'].id}", photo_ids=[s["bad_photo"].id])
    return {**s, "pub": publication_publish(publication=draft, user=s["admin"])}
