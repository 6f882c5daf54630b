"""Data made with the schema before the rankings app had its own (inspections 0011) survives the move: the rows
stay where they were, their content types follow them, and the marks publication now writes are filled in for the
lists published before (rankings/migrations/0002_release_marks.py). On SQLite and on PostgreSQL."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max

from inspections.models import Inspection, Photo
from rankings.models import PlaceScore, RankingPublication

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Rectifications and plans came later still (they need inspections 0013 and 0015): they are not there either.
BEFORE = [("inspections", "0011_scope_history"), ("rankings", None), ("rectifications", None), ("plans", None)]
LATER_APPS = ("inspections", "rankings", "rectifications", "plans")
MOVED = ("placescore", "rankingpublication")


def local(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def migrate(targets=None):
    """Migrate to `targets` (the latest when None); returns the executor, its graph rebuilt."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    return executor


def old_apps(executor):
    """The models as the database has them now: inspections at 0011, the apps built on it unmigrated, every other
    app at its latest."""
    graph = executor.loader.graph
    nodes = [leaf for leaf in graph.leaf_nodes() if leaf[0] not in LATER_APPS]
    return executor.loader.project_state([*nodes, BEFORE[0]]).apps


def old_world(apps) -> dict:
    """A street with a published May list (and a superseded April one, and a May draft), covert inspections
    before and after publication, and photos exposed by each list."""
    get = apps.get_model
    user = get("auth", "User").objects.create(username="chief", is_superuser=True, is_staff=True)
    # The default checklists come with the checklists app's migrations: a version of our own next to them.
    checklist, _ = get("checklists", "Checklist").objects.get_or_create(
        place_kind="compound", regime="monthly_covert", defaults={"title": "小区月暗查"})
    versions = get("checklists", "ChecklistVersion").objects
    number = (versions.filter(checklist=checklist).aggregate(n=Max("number"))["n"] or 0) + 1
    version = versions.create(checklist=checklist, number=number, state="published", published_at=local(4, 1))
    street = get("inspections", "Street").objects.create(code="S1", name="示范街道")
    community = get("inspections", "Place").objects.create(street=street, kind="community", code="K", name="K社区")
    compound = get("inspections", "Place").objects.create(street=street, kind="compound", code="B", name="差小区",
                                                          parent=community)

    def inspection(regime, inspected_at, completed_at):
        return get("inspections", "Inspection").objects.create(
            uuid=uuid.uuid4(), uploader=user, checklist_version=version, place=compound, regime=regime,
            finished_at=inspected_at, received_at=completed_at, inspected_at=inspected_at, score_tenths=500,
            grade="fail", status="complete", completed_at=completed_at, fingerprint="f" * 64)

    def photo(on):
        name = uuid.uuid4()
        return get("inspections", "Photo").objects.create(
            inspection=on, uuid=name, item_code="A", sha256="0" * 64, declared_bytes=1000,
            received_at=on.received_at, original=f"originals/{name}.jpg", display=f"display/{name}.jpg",
            thumbnail=f"thumbs/{name}.jpg")

    world = {
        "in_may": inspection("monthly_covert", local(5, 10), local(5, 10)),
        "completed_after": inspection("monthly_covert", local(5, 20), local(6, 5)),
        "in_june": inspection("monthly_covert", local(6, 1), local(6, 1)),
        "weekly_in_may": inspection("weekly_guidance", local(5, 12), local(5, 12)),
        "in_april": inspection("monthly_covert", local(4, 8), local(4, 8)),
    }
    world["exposed"] = photo(world["in_may"])
    world["not_chosen"] = photo(world["in_may"])
    world["exposed_by_old_revision"] = photo(world["in_april"])
    world["chosen_in_draft"] = photo(world["completed_after"])
    get("inspections", "PlaceScore").objects.create(
        place=compound, regime="monthly_covert", period="2026-05", sum_tenths=1000, count=2, veto_count=1,
        composite="500/1", composite_vetoed=True)
    key = f"place:{compound.pk}"
    lists = get("inspections", "RankingPublication").objects
    world["published"] = lists.create(
        street=street, period_kind="month", period="2026-05", revision=1, state="published",
        data={"categories": [], "published_at": local(6, 3).isoformat()}, reviewed=[key],
        exposures={key: [world["exposed"].pk]}, computed_at=local(6, 2), created_by=user,
        published_at=local(6, 3), published_by=user)
    lists.create(street=street, period_kind="month", period="2026-05", revision=2, state="draft",
                 data={"categories": []}, exposures={key: [world["chosen_in_draft"].pk]}, computed_at=local(6, 6),
                 created_by=user)
    april = lists.create(street=street, period_kind="month", period="2026-04", revision=1, state="superseded",
                         exposures={key: [world["exposed_by_old_revision"].pk]}, computed_at=local(5, 2),
                         published_at=local(5, 3), published_by=user)
    lists.create(street=street, period_kind="month", period="2026-04", revision=2, state="published",
                 exposures={}, computed_at=local(5, 4), published_at=local(5, 5), published_by=user,
                 supersedes=april, revision_reason="更正")
    return world


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_marks_survive_the_move_to_the_rankings_app():
    try:
        executor = migrate(BEFORE)
        apps = old_apps(executor)
        world = old_world(apps)
        scores_before = list(apps.get_model("inspections", "PlaceScore").objects.order_by("pk").values())
        lists_before = list(apps.get_model("inspections", "RankingPublication").objects.order_by("pk").values())
        # The content types as the old schema made them (a fresh install of it, not left over from this database).
        content_types = apps.get_model("contenttypes", "ContentType").objects
        content_types.filter(model__in=MOVED, app_label__in=["inspections", "rankings"]).delete()
        moved_ids = {model: content_types.create(app_label="inspections", model=model).pk for model in MOVED}

        migrate()

        assert list(PlaceScore.objects.order_by("pk").values()) == scores_before
        assert list(RankingPublication.objects.order_by("pk").values()) == lists_before
        assert len(lists_before) == 4 and len(scores_before) == 1
        ContentType.objects.clear_cache()
        for model, pk in moved_ids.items():
            assert ContentType.objects.filter(model=model).values_list("pk", "app_label").get() == (pk, "rankings")
        assert ContentType.objects.get_for_model(RankingPublication).pk == moved_ids["rankingpublication"]

        released = dict(Inspection.objects.values_list("pk", "covert_released_at"))
        assert released == {
            world["in_may"].pk: world["published"].published_at,
            world["in_april"].pk: local(5, 3),  # by the April list's first revision, superseded since
            world["completed_after"].pk: None, world["in_june"].pk: None, world["weekly_in_may"].pk: None,
        }
        public = set(Photo.objects.filter(public_on_list=True).values_list("pk", flat=True))
        assert public == {world["exposed"].pk}
    finally:
        migrate()
        ContentType.objects.clear_cache()
