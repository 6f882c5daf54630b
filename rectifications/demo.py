"""Rectification cases for the demo street, so that `make run` shows the loop (issue 13): a case in every state —
open, answered, re-check due, closed, escalated, withdrawn — some overdue, one from a covert inspection that no
list has released, evidence photos for the notice, and enough closed cases for the ledger's figures.

Called by rankings.demo.demo_history_seed once its inspections and lists exist. The cases are written with their
past timelines (a real case's events are written as they happen: here they are back-dated, so the bulk writes
below set the same rows the services would). Deterministic: the inspections are, and the choices below follow
them in a fixed order. Appeals are not built yet, so no decided appeal is seeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max

from checklists.models import Item, Regime
from checklists.periods import local_zone
from inspections.models import Answer, Inspection, Photo, Street
from inspections.photos import process_photo, store_photo

from .models import (
    CaseEvent,
    CaseFinding,
    CaseSource,
    CaseState,
    EventKind,
    FindingRole,
    RectificationCase,
    Severity,
)
from .services import responsible_party
from .workdays import deadline_for

DAY = dt.timedelta(days=1)
WINDOW_DAYS = 45  # cases come from the inspections of the last weeks


@dataclass(frozen=True)
class Script:
    """One demo case's life: the state it ends in, the age its opening needs, and its events (kind, days after
    the opening)."""

    state: str
    min_age: float
    events: tuple[tuple[str, float], ...] = ()


SCRIPTS = (
    Script(CaseState.ANSWERED, 1.5, ((EventKind.ANSWERED, 1),)),
    Script(CaseState.RECHECK_DUE, 2.5, ((EventKind.ANSWERED, 1), (EventKind.RECHECK_DUE, 2))),
    Script(CaseState.ANSWERED, 1.5, ((EventKind.ANSWERED, 1),)),
    Script(CaseState.CLOSED, 3, ((EventKind.ANSWERED, 1), (EventKind.CLOSED, 2))),
    Script(CaseState.CLOSED, 4, ((EventKind.ANSWERED, 2), (EventKind.CLOSED, 3))),
    Script(CaseState.WITHDRAWN, 2, ((EventKind.WITHDRAWN, 1),)),
    Script(CaseState.CLOSED, 6, ((EventKind.ANSWERED, 3), (EventKind.CLOSED, 5))),
    Script(CaseState.ESCALATED, 8, ((EventKind.ANSWERED, 1), (EventKind.REOPENED, 3), (EventKind.ANSWERED, 5),
                                    (EventKind.ESCALATED, 7))),
    Script(CaseState.OPEN, 12),  # overdue: 5 working days are past
    Script(CaseState.CLOSED, 9, ((EventKind.ANSWERED, 4), (EventKind.CLOSED, 8))),
    Script(CaseState.OPEN, 20),  # overdue
    Script(CaseState.CLOSED, 12, ((EventKind.ANSWERED, 2), (EventKind.CLOSED, 4))),
)
NOTES = {
    EventKind.ANSWERED: "已组织保洁人员清理，并加强桶边督导。",
    EventKind.RECHECK_DUE: "责任方已回复，安排回头看。",
    EventKind.CLOSED: "复查合格。",
    EventKind.REOPENED: "复查仍有混投，重新限期整改。",
    EventKind.ESCALATED: "第二次复查不合格，报街道处理。",
    EventKind.WITHDRAWN: "点位责任认定有误，撤案。",
}
PHOTO_CASES = 2  # cases given two evidence photos each (the notice shows them)


@dataclass
class Candidate:
    inspection: Inspection
    item_code: str
    label: str
    veto: bool


def _candidates(street: Street, now: dt.datetime) -> list[Candidate]:
    """Failed answers of items that open cases, newest inspection first, one per place and item."""
    answers = Answer.objects.filter(
        failed=True, inspection__place__street=street, inspection__voided=False,
        inspection__inspected_at__gte=now - WINDOW_DAYS * DAY, inspection__inspected_at__lte=now - DAY / 2,
    ).select_related("inspection__place__parent").order_by("-inspection__inspected_at", "-inspection_id", "item_code")
    items = {(version, code): (label, veto) for version, code, label, veto in Item.objects.filter(
        opens_rectification=True).values_list("version_id", "code", "label", "veto")}
    found, seen = [], set()
    for answer in answers:
        inspection = answer.inspection
        item = items.get((inspection.checklist_version_id, answer.item_code))
        key = (inspection.place_id, answer.item_code)
        if item is None or key in seen:
            continue
        seen.add(key)
        found.append(Candidate(inspection, answer.item_code, *item))
    return found


def _case(street: Street, candidate: Candidate, sequence: int, opened_at: dt.datetime) -> RectificationCase:
    inspection, place = candidate.inspection, candidate.inspection.place
    party_kind, company_id, party_place, community = responsible_party(place)
    severity = Severity.SERIOUS if candidate.veto else Severity.NORMAL
    year = opened_at.astimezone(local_zone()).year
    return RectificationCase(
        street=street, number=f"ZG-{year}-{sequence:04d}", year=year, sequence=sequence, place=place,
        community=community, item_code=candidate.item_code, item_label=candidate.label[:300], party_kind=party_kind,
        party_company_id=company_id, party_place=party_place, severity=severity,
        deadline=deadline_for(opened_at, severity), source=CaseSource.INSPECTION, source_inspection=inspection,
        opened_at=opened_at, covert=inspection.regime == Regime.MONTHLY_COVERT,
    )


def _live(case: RectificationCase, script: Script, people: dict[str, AbstractBaseUser | None]) -> list[CaseEvent]:
    """Play the script on the case (its fields end as the services would leave them); the events to write."""
    events = [CaseEvent(case=case, at=case.opened_at, kind=EventKind.OPENED, deadline=case.deadline,
                        inspection=case.source_inspection, details={"source": CaseSource.INSPECTION})]
    for kind, days in script.events:
        at = case.opened_at + days * DAY
        actor = people["company"] if kind == EventKind.ANSWERED else people["inspector"]
        if kind in (EventKind.WITHDRAWN, EventKind.RECHECK_DUE):
            actor = people["admin"]
        deadline = deadline_for(at, case.severity) if kind in (EventKind.REOPENED, EventKind.ESCALATED) else None
        if deadline is not None:
            case.deadline = deadline
        if kind == EventKind.CLOSED:
            case.closed_at = at
        if kind == EventKind.WITHDRAWN:
            case.withdrawn_at, case.withdraw_reason = at, NOTES[kind]
        events.append(CaseEvent(case=case, at=at, actor=actor, actor_name=actor.get_username() if actor else "",
                                kind=kind, note=NOTES[kind], deadline=deadline))
    case.state = script.state
    return events


def _photos(case: RectificationCase, scene: Callable[[], bytes], count: int = 2) -> None:
    inspection = case.source_inspection
    for n in range(count):
        processed = process_photo(scene())
        paths = store_photo(processed)
        Photo.objects.create(
            inspection=inspection, uuid=uuid.uuid5(inspection.uuid, f"case-photo-{n}"), item_code=case.item_code,
            sha256=hashlib.sha256(processed.original).hexdigest(), declared_bytes=len(processed.original),
            received_at=inspection.received_at, original=paths.original, display=paths.display,
            thumbnail=paths.thumbnail, content_type=processed.content_type, width=processed.width,
            height=processed.height,
        )


def demo_cases_seed(*, street: Street, now: dt.datetime, people: dict[str, AbstractBaseUser | None],
                    scene: Callable[[], bytes]) -> int:
    """Seed the demo cases; `people`: "admin", "inspector", "company" (who answers); `scene`: a photo's bytes.
    Returns the number of cases written."""
    candidates = _candidates(street, now)
    covert = next((c for c in candidates if c.inspection.regime == Regime.MONTHLY_COVERT
                   and c.inspection.covert_released_at is None), None)
    pool = [c for c in candidates if c is not covert]
    # The demo login of a property company should find its own cases on the phone (make run): its places first.
    company_id = getattr(getattr(people.get("company"), "profile", None), "company_id", None)
    pool.sort(key=lambda c: responsible_party(c.inspection.place)[1] != company_id)
    year = now.astimezone(local_zone()).year
    sequence = RectificationCase.objects.filter(street=street, year=year).aggregate(n=Max("sequence"))["n"] or 0
    chosen: list[tuple[RectificationCase, Script]] = []
    for script in SCRIPTS:
        # the newest unused inspection old enough for the script (and not from a covert visit still hidden)
        pick = next((c for c in pool if (now - c.inspection.inspected_at) / DAY >= script.min_age + 0.2
                     and (c.inspection.regime != Regime.MONTHLY_COVERT or c.inspection.covert_released_at)), None)
        if pick is None:
            continue
        pool.remove(pick)
        opened_at = pick.inspection.received_at + dt.timedelta(minutes=1)
        sequence += 1
        chosen.append((_case(street, pick, sequence, opened_at), script))
    if covert is not None:
        sequence += 1
        chosen.append((_case(street, covert, sequence, covert.inspection.received_at + dt.timedelta(minutes=1)),
                       Script(CaseState.OPEN, 0)))
    events = [_live(case, script, people) for case, script in chosen]
    RectificationCase.objects.bulk_create([case for case, _script in chosen])
    CaseFinding.objects.bulk_create(
        CaseFinding(case=case, inspection=case.source_inspection, item_code=case.item_code, role=FindingRole.FIRST,
                    found_at=case.source_inspection.inspected_at) for case, _script in chosen)
    CaseEvent.objects.bulk_create([event for case_events in events for event in case_events])
    for case, _script in [pair for pair in chosen if pair[1].state == CaseState.OPEN][:PHOTO_CASES]:
        _photos(case, scene)
    return len(chosen) + _fresh_manual_case(street, pool, sequence + 1, now, people["admin"])


def _fresh_manual_case(street: Street, pool: list[Candidate], sequence: int, now: dt.datetime,
                       admin: AbstractBaseUser | None) -> int:
    """A case a street admin opened by hand an hour ago: open, its deadline still ahead."""
    fresh = next((c for c in pool if c.inspection.place.kind == "compound"), None)
    if fresh is None or admin is None:
        return 0
    opened_at = now - dt.timedelta(hours=1)
    case = _case(street, fresh, sequence, opened_at)
    case.source, case.source_inspection, case.covert = CaseSource.MANUAL, None, False
    case.opened_by, case.opening_reason = admin, "居民反映，街道人工立案。"
    case.save()
    CaseEvent.objects.create(case=case, at=opened_at, actor=admin, actor_name=admin.get_username(),
                             kind=EventKind.OPENED, note=case.opening_reason, deadline=case.deadline,
                             details={"source": CaseSource.MANUAL})
    return 1
