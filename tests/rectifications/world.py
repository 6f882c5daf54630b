"""A small street for the rectification tests, and inspections scored by the real rules.

Not a test module: the `world` fixture (conftest.py) is `make_world()`; tests import the helpers from here.

Places: community K with compound X (property company PC1) and its bin station XB, compound Y (no company) and
its bin station YB, unit U (a public institution) and a bin station UB serving it; community K2 with compound Z
(PC1 too). Checklists (one version per place kind and regime, made on first use): CHECK_ITEMS, EX of SCORING.md §6
plus an item E that does not open cases.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from checklists.models import Checklist, ChecklistVersion, Item, PlaceKind, Regime
from checklists.scoring import ItemRule, score_inspection
from inspections.models import Answer, Inspection, Place, PropertyCompany, Role, Street
from inspections.signals import inspection_changed
from tests.rankings.support import SHANGHAI, make_place, make_street, user_with

# code, type, points, per_fault, target, per_percent, veto, opens_rectification
CHECK_ITEMS = [
    ("A", "check", 20, None, None, None, False, True),
    ("B", "deduct", 30, 2, None, None, False, True),
    ("C", "percent", 40, None, 90, 2, False, True),
    ("D", "check", 10, None, None, None, True, True),
    ("E", "check", 10, None, None, None, False, False),
]
PASSING = {"A": "pass", "B": 0, "C": 95, "D": "pass", "E": "pass"}


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def case_version(place_kind: str, regime: str) -> ChecklistVersion:
    checklist, _ = Checklist.objects.get_or_create(
        place_kind=place_kind, regime=regime, defaults={"title": f"整改测试 {place_kind} {regime}"})
    version = ChecklistVersion.objects.create(checklist=checklist, number=checklist.versions.count() + 1)
    Item.objects.bulk_create(
        Item(version=version, code=code, order=n, label=f"问题{code}", type=type_, points=Decimal(points),
             per_fault=per_fault, target=target, per_percent=per_percent, veto=veto, opens_rectification=opens)
        for n, (code, type_, points, per_fault, target, per_percent, veto, opens) in enumerate(CHECK_ITEMS)
    )
    ChecklistVersion.objects.filter(pk=version.pk).update(state="published", published_at=local(2026, 1, 1))
    version.refresh_from_db()
    return version


@dataclass
class World:
    street: Street
    company: PropertyCompany
    k: Place
    x: Place
    xb: Place
    y: Place
    yb: Place
    u: Place
    ub: Place
    k2: Place
    z: Place
    users: dict[str, User]
    versions: dict[tuple[str, str], ChecklistVersion] = field(default_factory=dict)

    def version(self, place: Place, regime: str) -> ChecklistVersion:
        key = (place.kind, regime)
        if key not in self.versions:
            self.versions[key] = case_version(*key)
        return self.versions[key]

    def inspect(self, place: Place, answers: dict[str, Any] | None = None, *, when: dt.datetime | None = None,
                regime: str = Regime.WEEKLY_GUIDANCE, status: str = "complete", signal: bool = True) -> Inspection:
        """An inspection scored by checklists.scoring from `answers` (code → value; PASSING for the rest),
        stored as the sync stores it, and signalled as the sync signals it."""
        values = {**PASSING, **(answers or {})}
        version = self.version(place, regime)
        rules = [ItemRule.from_dict({
            "code": code, "type": type_, "points": points, "per_fault": per_fault, "target": target,
            "per_percent": per_percent, "veto": veto,
        }) for code, type_, points, per_fault, target, per_percent, veto, _opens in CHECK_ITEMS]
        result = score_inspection(rules, values)
        when = when or local(2026, 5, 11)
        with transaction.atomic():
            inspection = Inspection.objects.create(
                uuid=uuid.uuid4(), uploader=self.users["inspector"], checklist_version=version, place=place,
                regime=regime, finished_at=when, received_at=when, inspected_at=when, score_tenths=result.score,
                grade=result.grade, vetoed=result.vetoed, status=status,
                completed_at=when if status == "complete" else None, fingerprint="f" * 64,
            )
            Answer.objects.bulk_create(
                Answer(inspection=inspection, item_code=item.code, value=values[item.code], max_tenths=item.max,
                       earned_tenths=item.earned, failed=item.failed)
                for item in result.items
            )
            if signal:
                inspection_changed.send(sender=Inspection, inspection=inspection)
        return inspection


def make_world(code: str = "S1", name: str = "整改街道") -> World:
    street = make_street(code, name)
    company = PropertyCompany.objects.create(code=f"PC-{code}", name=f"物业{code}")
    k = make_place(street, PlaceKind.COMMUNITY, f"{code}-K", "社区K")
    x = make_place(street, PlaceKind.COMPOUND, f"{code}-X", "小区X", parent=k, company=company)
    xb = make_place(street, PlaceKind.BIN_STATION, f"{code}-XB", "投放点XB", parent=x)
    y = make_place(street, PlaceKind.COMPOUND, f"{code}-Y", "小区Y", parent=k)
    yb = make_place(street, PlaceKind.BIN_STATION, f"{code}-YB", "投放点YB", parent=y)
    u = make_place(street, PlaceKind.PUBLIC_INSTITUTION, f"{code}-U", "单位U", parent=k)
    ub = make_place(street, PlaceKind.BIN_STATION, f"{code}-UB", "投放点UB", parent=u)
    k2 = make_place(street, PlaceKind.COMMUNITY, f"{code}-K2", "社区K2")
    z = make_place(street, PlaceKind.COMPOUND, f"{code}-Z", "小区Z", parent=k2, company=company)
    users = {
        "admin": user_with(Role.ADMIN, street, f"admin-{code}"),
        "inspector": user_with(Role.STREET_INSPECTOR, street, f"inspector-{code}"),
        "company": user_with(Role.COMPANY_USER, street, f"company-{code}", company=company),
    }
    return World(street, company, k, x, xb, y, yb, u, ub, k2, z, users)
