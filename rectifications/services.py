"""Opening cases and every step of their life. Each step runs in a transaction with the case row locked,
writes one CaseEvent, and refuses an illegal step with a CaseError whose message says why.

Opening (SCORING.md §5, issue 13): an inspection that becomes counted (`Inspection.counts`, the one definition)
opens one case per failed item whose checklist item `opens_rectification`, unless a live case for that place and
item exists: then the inspection is attached to it as a recurrence. "Failed" is the scoring's own verdict
(checklists.scoring.score_item → ItemResult.failed), stored on each answer by the sync (`Answer.failed`).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import UNIT_KINDS, ChecklistVersion, Item, PlaceKind, Regime
from checklists.periods import local_zone
from inspections.errors import ReasonRequired
from inspections.models import Answer, AuditAction, Inspection, Place, Role, Street
from inspections.scopes import role_of, street_id_of
from inspections.services.audit import audit_record

from .errors import CaseAlreadyOpen, CaseConflict, CaseInvalid, CaseNotAllowed, IllegalTransition
from .models import (
    ENDED_STATES,
    CaseEvent,
    CaseFinding,
    CaseSource,
    CaseState,
    EventKind,
    FindingRole,
    RectificationCase,
    ResponsibleParty,
    Severity,
)
from .rules import standing_at
from .workdays import deadline_for

__all__ = [
    "case_answer", "case_open_manual", "case_recheck", "case_recheck_schedule", "case_release", "case_withdraw",
    "cases_follow_inspection", "cases_open_from_black_list", "on_inspection_changed", "responsible_party",
]


# --- who is responsible ------------------------------------------------------------------------------------


def responsible_party(place: Place) -> tuple[str, int | None, Place | None, Place | None]:
    """(party kind, company id, party place, community) for a case at `place` (models.ResponsibleParty)."""
    parent = place.parent
    if place.kind == PlaceKind.COMMUNITY:
        return ResponsibleParty.COMMUNITY, None, place, place
    if place.kind in UNIT_KINDS:
        return ResponsibleParty.UNIT, None, place, parent
    if place.kind == PlaceKind.BIN_STATION and parent is not None and parent.kind in UNIT_KINDS:
        return ResponsibleParty.UNIT, None, parent, parent.parent
    compound = parent if place.kind == PlaceKind.BIN_STATION else place
    community = compound.parent if compound is not None else None
    if compound is not None and compound.company_id:
        return ResponsibleParty.COMPANY, compound.company_id, None, community
    return ResponsibleParty.COMMUNITY, None, community, community


# --- opening -----------------------------------------------------------------------------------------------


def on_inspection_changed(sender: object, *, inspection: Inspection, **kwargs: object) -> None:
    """Receiver of inspections.signals.inspection_changed, connected in RectificationsConfig.ready()."""
    cases_follow_inspection(inspection=inspection)


def cases_follow_inspection(*, inspection: Inspection) -> list[RectificationCase]:
    """Open or attach cases for a counted inspection; note a void (or its undoing) on the cases it found.

    Idempotent: an inspection finds each item once (a database constraint), so signalling it again adds nothing.
    Returns the cases opened or attached to now. This runs inside every sync: one query when nothing flagged
    failed, and a fixed handful otherwise, whatever the number of failed items."""
    if inspection.pk is None:
        return []
    if inspection.voided:
        _note_on_found_cases(inspection, EventKind.INSPECTION_VOIDED)
        return []
    if not inspection.counts:
        return []
    failed = Answer.objects.filter(inspection_id=inspection.pk, failed=True).values("item_code")
    items = list(Item.objects.filter(
        version_id=inspection.checklist_version_id, opens_rectification=True, code__in=failed,
    ).order_by("code").values_list("code", "label", "veto"))
    if not items:
        return []
    with transaction.atomic(savepoint=False):
        found = set(CaseFinding.objects.filter(inspection=inspection).values_list("item_code", flat=True))
        if found:
            _note_on_found_cases(inspection, EventKind.INSPECTION_RESTORED)
        new = [
            Finding(code, label, Severity.SERIOUS if veto else Severity.NORMAL)
            for code, label, veto in items if code not in found
        ]
        if not new:
            return []
        return _open_or_attach(place_id=inspection.place_id, findings=new, source=CaseSource.INSPECTION,
                               inspection=inspection, by=None, reason="")


def _note_on_found_cases(inspection: Inspection, kind: str) -> None:
    """A void (INSPECTION_VOIDED) or its undoing (INSPECTION_RESTORED) on each case the inspection found, once:
    cases are never deleted by a void, their timeline says what happened to the evidence."""
    case_ids = set(CaseFinding.objects.filter(inspection=inspection).values_list("case_id", flat=True))
    if not case_ids:
        return
    with transaction.atomic():
        last: dict[int, str] = {}
        notes = CaseEvent.objects.filter(
            case_id__in=case_ids, inspection=inspection,
            kind__in=[EventKind.INSPECTION_VOIDED, EventKind.INSPECTION_RESTORED],
        ).order_by("at", "pk").values_list("case_id", "kind")
        for case_id, noted in notes:
            last[case_id] = noted
        for case in RectificationCase.objects.select_for_update().filter(pk__in=case_ids).order_by("pk"):
            previous = last.get(case.pk, EventKind.INSPECTION_RESTORED)
            if previous != kind:
                details = {"inspection": str(inspection.uuid)}
                if kind == EventKind.INSPECTION_VOIDED:
                    details["void_reason"] = inspection.void_reason
                _event(case, kind, by=inspection.voided_by if kind == EventKind.INSPECTION_VOIDED else None,
                       inspection=inspection, details=details)


@dataclass(frozen=True)
class Finding:
    item_code: str
    item_label: str
    severity: str


def _locked_place(place_id: int) -> Place:
    """The place with its parent and grandparent, the three rows locked (PostgreSQL; SQLite writes one at a time):
    one live case per place and item is then decided by one transaction at a time. In id order, as
    rankings/scores.py locks the same chain, so that the two never deadlock."""
    place = Place.objects.select_related("parent__parent").get(pk=place_id)
    if connection.features.has_select_for_update:
        chain = [p.pk for p in (place, place.parent, place.parent and place.parent.parent) if p is not None]
        list(Place.objects.select_for_update().filter(pk__in=chain).order_by("pk").values_list("pk", flat=True))
    return place


def _open_or_attach(*, place_id: int, findings: list[Finding], source: str, inspection: Inspection | None,
                    by: AbstractBaseUser | None, reason: str) -> list[RectificationCase]:
    """One case per finding, or the finding attached to the live case of its place and item (a recurrence; from a
    black list, a note). A fixed number of queries for any number of findings."""
    place = _locked_place(place_id)
    live = {
        case.item_code: case for case in RectificationCase.objects.select_for_update().filter(
            place_id=place.pk, item_code__in=[f.item_code for f in findings]).exclude(state__in=ENDED_STATES)
    }
    now = timezone.now()
    opened = _cases_create(place=place, findings=[f for f in findings if f.item_code not in live], source=source,
                           inspection=inspection, by=by, reason=reason, now=now)
    attached = [live[f.item_code] for f in findings if f.item_code in live]
    actor = _person(by)
    if inspection is not None:
        CaseFinding.objects.bulk_create(
            CaseFinding(case=case, inspection=inspection, item_code=case.item_code, role=FindingRole.RECURRENCE,
                        found_at=inspection.inspected_at) for case in attached)
        details = {"inspection": str(inspection.uuid), "inspected_at": inspection.inspected_at.isoformat()}
        _events_create(attached, EventKind.RECURRENCE, actor=actor, inspection=inspection, details=details, at=now)
    elif source == CaseSource.BLACK_LIST:
        _events_create(attached, EventKind.BLACK_LISTED, actor=actor, note=reason, at=now)
    by_code = {case.item_code: case for case in [*opened, *attached]}
    return [by_code[f.item_code] for f in findings]


def _next_sequence(street_id: int, year: int) -> int:
    # The street row serialises numbering within a street (SQLite's IMMEDIATE transactions already do).
    if connection.features.has_select_for_update:
        list(Street.objects.select_for_update().filter(pk=street_id).values_list("pk", flat=True))
    last = RectificationCase.objects.filter(street_id=street_id, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


def _cases_create(*, place: Place, findings: list[Finding], source: str, inspection: Inspection | None,
                  by: AbstractBaseUser | None, reason: str, now: dt.datetime) -> list[RectificationCase]:
    if not findings:
        return []
    year = now.astimezone(local_zone()).year
    first = _next_sequence(place.street_id, year)
    party_kind, company_id, party_place, community = responsible_party(place)
    cases = RectificationCase.objects.bulk_create(
        RectificationCase(
            street_id=place.street_id, number=f"ZG-{year}-{first + n:04d}", year=year, sequence=first + n,
            place=place, community=community, item_code=f.item_code, item_label=f.item_label[:300],
            party_kind=party_kind, party_company_id=company_id, party_place=party_place, severity=f.severity,
            deadline=deadline_for(now, f.severity), source=source, source_inspection=inspection, opened_at=now,
            opened_by=_person(by), opening_reason=reason,
            covert=inspection is not None and inspection.regime == Regime.MONTHLY_COVERT,
        )
        for n, f in enumerate(findings)
    )
    if inspection is not None:
        CaseFinding.objects.bulk_create(
            CaseFinding(case=case, inspection=inspection, item_code=case.item_code, role=FindingRole.FIRST,
                        found_at=inspection.inspected_at) for case in cases)
    details = {"source": source, **({"inspection": str(inspection.uuid)} if inspection is not None else {})}
    _events_create(cases, EventKind.OPENED, actor=_person(by), note=reason, inspection=inspection, details=details,
                   at=now, deadlines=True)
    return cases


def _events_create(cases: list[RectificationCase], kind: str, *, actor: AbstractBaseUser | None, at: dt.datetime,
                   note: str = "", inspection: Inspection | None = None, details: dict | None = None,
                   deadlines: bool = False) -> None:
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, at=at, actor=actor, actor_name=actor.get_username() if actor else "", kind=kind,
                  note=note, deadline=case.deadline if deadlines else None, inspection=inspection,
                  details=details or {})
        for case in cases
    )


def _item_for(place: Place, item_code: str) -> Item | None:
    """The item of that code on the newest published checklist for the place's kind (label and veto)."""
    return Item.objects.filter(
        code=item_code, version__checklist__place_kind=place.kind,
    ).exclude(version__state=ChecklistVersion.State.DRAFT).order_by("-version__published_at", "-version_id").first()


def case_open_manual(*, place: Place, item_code: str, by: AbstractBaseUser, reason: str,
                     item_label: str = "", severity: str | None = None) -> RectificationCase:
    """Staff open a case by hand (a problem seen outside a counted inspection), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("reason_required", _("人工立案必须填写原因。"))
    item = _item_for(place, item_code)
    if item is None and not item_label.strip():
        raise CaseInvalid("unknown_item", _("检查项 %(code)s 不存在，请填写问题描述。") % {"code": item_code})
    finding = Finding(item_code, item_label.strip() or item.label,
                      severity or (Severity.SERIOUS if item is not None and item.veto else Severity.NORMAL))
    with transaction.atomic():
        _locked_place(place.pk)
        live = RectificationCase.objects.filter(place=place, item_code=item_code).exclude(state__in=ENDED_STATES)
        if live.exists():
            raise CaseAlreadyOpen("case_already_open", _("该点位的这一检查项已有未销号的整改案件。"))
        return _open_or_attach(place_id=place.pk, findings=[finding], source=CaseSource.MANUAL, inspection=None,
                               by=by, reason=reason)[0]


def cases_open_from_black_list(*, place: Place, item_codes: Iterable[str], by: AbstractBaseUser,
                               note: str = "") -> list[RectificationCase]:
    """One case per item code of a black-list entry's reasons; a live case of the same item gets a
    "black-listed" event instead of a second case."""
    codes = list(dict.fromkeys(item_codes))
    if not codes:
        raise CaseInvalid("no_items", _("请选择至少一个检查项。"))
    items = {code: _item_for(place, code) for code in codes}
    unknown = [code for code, item in items.items() if item is None]
    if unknown:
        raise CaseInvalid("unknown_item", _("检查项 %(code)s 不存在。") % {"code": ", ".join(unknown)})
    findings = [Finding(code, item.label, Severity.SERIOUS if item.veto else Severity.NORMAL)
                for code, item in items.items()]
    with transaction.atomic():
        return _open_or_attach(place_id=place.pk, findings=findings, source=CaseSource.BLACK_LIST, inspection=None,
                               by=by, reason=note.strip() or _("黑榜立案"))


# --- the steps of a case's life ----------------------------------------------------------------------------


def _person(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _event(case: RectificationCase, kind: str, *, by: AbstractBaseUser | None = None, note: str = "",
           deadline: dt.date | None = None, inspection: Inspection | None = None, details: dict | None = None,
           client_uuid: uuid_lib.UUID | None = None, fingerprint: str = "", at: dt.datetime | None = None) -> CaseEvent:
    actor = _person(by)
    return CaseEvent.objects.create(
        case=case, at=at or timezone.now(), actor=actor, actor_name=actor.get_username() if actor else "",
        kind=kind, note=note, deadline=deadline, inspection=inspection, details=details or {},
        client_uuid=client_uuid, fingerprint=fingerprint,
    )


def _locked(case: RectificationCase) -> RectificationCase:
    return RectificationCase.objects.select_for_update().get(pk=case.pk)


def _refuse(case: RectificationCase, action: str) -> IllegalTransition:
    return IllegalTransition("illegal_transition", _("整改案件 %(number)s 当前为“%(state)s”，不能%(action)s。") % {
        "number": case.number, "state": case.get_state_display(), "action": action})


def _replayed(case: RectificationCase, client_uuid: uuid_lib.UUID | None, fingerprint: str,
              kinds: Iterable[str]) -> bool:
    """True when this client UUID already holds this very step (a replay: nothing to write)."""
    if client_uuid is None:
        return False
    existing = CaseEvent.objects.filter(client_uuid=client_uuid).values_list("case_id", "kind", "fingerprint").first()
    if existing is None:
        return False
    case_id, kind, stored = existing
    if case_id != case.pk or kind not in kinds:
        raise CaseConflict("uuid_taken", _("该编号已被使用。"))
    if stored != fingerprint:
        raise CaseConflict("conflict", _("该编号已用不同的内容提交过。"), fingerprint=stored)
    return True


def _overdue_now(case: RectificationCase) -> bool:
    now = timezone.now()
    timeline = case.events.values_list("at", "kind", "deadline")
    return standing_at(case.opened_at, timeline, now).overdue


ANSWERABLE = (CaseState.OPEN, CaseState.RECHECK_DUE, CaseState.ESCALATED)
RECHECKABLE = (CaseState.ANSWERED, CaseState.RECHECK_DUE, CaseState.ESCALATED)


@transaction.atomic
def case_answer(*, case: RectificationCase, by: AbstractBaseUser, note: str,
                client_uuid: uuid_lib.UUID | None = None, fingerprint: str = "") -> RectificationCase:
    """The responsible party says what it did (after-photos follow, later). Open → answered; an escalated case
    stays escalated (the street admin has it), its answer goes on the timeline."""
    case = _locked(case)
    if _replayed(case, client_uuid, fingerprint, [EventKind.ANSWERED]):
        return case
    note = (note or "").strip()
    if not note:
        raise CaseInvalid("note_required", _("回复必须说明整改情况。"))
    if case.state not in ANSWERABLE:
        raise _refuse(case, _("回复"))
    if case.state != CaseState.ESCALATED:
        case.state = CaseState.ANSWERED
        case.save(update_fields=["state"])
    _event(case, EventKind.ANSWERED, by=by, note=note, client_uuid=client_uuid, fingerprint=fingerprint)
    return case


@transaction.atomic
def case_recheck_schedule(*, case: RectificationCase, by: AbstractBaseUser, note: str = "") -> RectificationCase:
    """Put an answered case, or an overdue open one, in the re-check queue (回头看)."""
    case = _locked(case)
    if not (case.state == CaseState.ANSWERED or (case.state == CaseState.OPEN and _overdue_now(case))):
        raise _refuse(case, _("安排复查（须已回复或已逾期）"))
    case.state = CaseState.RECHECK_DUE
    case.save(update_fields=["state"])
    _event(case, EventKind.RECHECK_DUE, by=by, note=note.strip())
    return case


@transaction.atomic
def case_recheck(*, case: RectificationCase, by: AbstractBaseUser, fixed: bool, note: str = "",
                 client_uuid: uuid_lib.UUID | None = None, fingerprint: str = "",
                 details: dict | None = None) -> RectificationCase:
    """An inspector re-checks the item on site. Fixed → closed (销号). Not fixed → open again with a new
    deadline from today; a second failed re-check → escalated to the street admin (a new deadline too).
    `details`: what the phone recorded on site (its GPS fix, the number of photos), kept on the event."""
    case = _locked(case)
    outcomes = [EventKind.CLOSED, EventKind.REOPENED, EventKind.ESCALATED]
    if _replayed(case, client_uuid, fingerprint, outcomes):
        return case
    if not (case.state in RECHECKABLE or (case.state == CaseState.OPEN and _overdue_now(case))):
        raise _refuse(case, _("复查（须已回复或已逾期）"))
    now = timezone.now()
    note = (note or "").strip()
    common = {"by": by, "note": note, "client_uuid": client_uuid, "fingerprint": fingerprint, "at": now}
    if fixed:
        case.state, case.closed_at = CaseState.CLOSED, now
        case.save(update_fields=["state", "closed_at"])
        _event(case, EventKind.CLOSED, details=details, **common)
        return case
    failures = case.events.filter(kind__in=[EventKind.REOPENED, EventKind.ESCALATED]).count() + 1
    case.deadline = deadline_for(now, case.severity)
    case.state = CaseState.OPEN if failures == 1 else CaseState.ESCALATED
    case.save(update_fields=["state", "deadline"])
    kind = EventKind.REOPENED if failures == 1 else EventKind.ESCALATED
    _event(case, kind, deadline=case.deadline, details={**(details or {}), "failed_rechecks": failures}, **common)
    return case


@transaction.atomic
def case_withdraw(*, case: RectificationCase, by: AbstractBaseUser, reason: str) -> RectificationCase:
    """Staff withdraw a case opened in error (a wrong finding, a place not responsible), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("reason_required", _("撤案必须填写原因。"))
    case = _locked(case)
    if case.state in ENDED_STATES:
        raise _refuse(case, _("撤案"))
    now = timezone.now()
    case.state, case.withdrawn_at, case.withdraw_reason = CaseState.WITHDRAWN, now, reason
    case.save(update_fields=["state", "withdrawn_at", "withdraw_reason"])
    _event(case, EventKind.WITHDRAWN, by=by, note=reason, at=now)
    return case


@transaction.atomic
def case_release(*, case: RectificationCase, by: AbstractBaseUser, reason: str) -> RectificationCase:
    """A street admin shows a covert case to the responsible party before any list releases its inspection
    (to get a serious problem fixed at once). Audit-logged; once released, never hidden again."""
    if not (role_of(by) == Role.ADMIN and (by.is_superuser or street_id_of(by) == case.street_id)):
        raise CaseNotAllowed("not_allowed", _("只有本街道的管理员可以公开暗查案件。"))
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("reason_required", _("公开暗查案件必须填写原因。"))
    case = _locked(case)
    if not case.covert:
        raise _refuse(case, _("公开（不是暗查案件）"))
    if case.released_at is not None:
        return case
    case.released_at, case.released_by = timezone.now(), by
    case.save(update_fields=["released_at", "released_by"])
    _event(case, EventKind.RELEASED, by=by, note=reason, at=case.released_at)
    audit_record(actor=by, action=AuditAction.RELEASE_CASE, street=case.street_id, target=case, reason=reason,
                 details={"number": case.number, "place": case.place.code})
    return case
