"""Rectification cases (整改): one per place and checklist item, from the failed item to its close (销号).

- `RectificationCase`: numbered "ZG-<year>-<sequence>" per street and local year of opening (the number is
  unique within its street: two streets may both have ZG-2026-0001), the place and the party responsible
  for it (resolved once, when the case opens: see `ResponsibleParty`), severity, deadline, state.
  "Overdue" is not a state: it is derived from the deadline and the timeline (selectors.is_overdue).
- `CaseFinding`: the inspections that found the failed item, the first finding and the recurrences after it.
- `CaseEvent`: the append-only timeline (who, when, what, why). Events that set a deadline carry it, and the
  closing and withdrawal are events, so a case's standing at any past instant is read from here.

At most one case per (place, item code) is live (not closed, not withdrawn): a database constraint.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checklists.models import PlaceKind
from inspections.models import AppendOnlyError, Inspection, Place, PropertyCompany, Street


class CaseState(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已回复")
    RECHECK_DUE = "recheck_due", _("待复查")
    CLOSED = "closed", _("已销号")
    ESCALATED = "escalated", _("已升级")
    WITHDRAWN = "withdrawn", _("已撤案")


# A case in one of these states is over; any other state is live (and at most one per place and item).
ENDED_STATES = (CaseState.CLOSED, CaseState.WITHDRAWN)


class Severity(models.TextChoices):
    NORMAL = "normal", _("一般")
    SERIOUS = "serious", _("严重")  # a failed veto item (一票否决)


class ResponsibleParty(models.TextChoices):
    """Who must fix it, resolved from the place when the case opens: a compound's property company (a bin
    station's: its compound's); a unit (also for a bin station serving that unit); otherwise — a community,
    or a compound without a company — the community."""

    COMPANY = "company", _("物业服务企业")
    UNIT = "unit", _("单位")
    COMMUNITY = "community", _("社区")


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", _("检查发现")
    MANUAL = "manual", _("人工立案")
    BLACK_LIST = "black_list", _("黑榜立案")


class RectificationCase(models.Model):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道"))
    number = models.CharField(_("案件编号"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("年度序号"))
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="cases", verbose_name=_("点位"))
    # The community that contains the place (the place itself for a community), for ledgers and filters.
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("社区"),
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    item_code = models.CharField(_("检查项"), max_length=16)
    item_label = models.CharField(_("问题"), max_length=300, blank=True)
    party_kind = models.CharField(_("责任方类型"), max_length=16, choices=ResponsibleParty.choices)
    party_company = models.ForeignKey(
        PropertyCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("责任物业服务企业"),
    )
    # The unit or the community responsible (when party_kind is not "company").
    party_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任单位/社区")
    )
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, default=Severity.NORMAL)
    # The deadline in force: the last working day to fix it by (its end, Asia/Shanghai). Earlier deadlines are in
    # the timeline.
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN,
                             db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    source_inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发现检查"),
    )
    opened_at = models.DateTimeField(_("立案时间"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("立案人"),
    )
    opening_reason = models.TextField(_("立案原因"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤案时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤案原因"), blank=True)
    # Opened from a covert inspection: hidden from the responsible party until that inspection is released by
    # a published list, or a street admin releases the case (released_at).
    covert = models.BooleanField(_("暗查发现"), default=False)
    released_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("公开人"),
    )

    class Meta:
        verbose_name = _("整改案件")
        verbose_name_plural = _("整改案件")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["street", "number"], name="one_case_number_per_street"),
            models.UniqueConstraint(fields=["street", "year", "sequence"], name="one_case_sequence_per_street_year"),
            models.UniqueConstraint(
                fields=["place", "item_code"], condition=~Q(state__in=ENDED_STATES),
                name="one_live_case_per_place_item",
            ),
        ]
        indexes = [models.Index(fields=["street", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.item_label or self.item_code}"

    @property
    def is_live(self) -> bool:
        return self.state not in ENDED_STATES


class FindingRole(models.TextChoices):
    FIRST = "first", _("首次发现")
    RECURRENCE = "recurrence", _("再次发现")


class CaseFinding(models.Model):
    """An inspection that found the case's failed item. Manual and black-list cases have no inspection."""

    case = models.ForeignKey(RectificationCase, on_delete=models.CASCADE, related_name="findings",
                             verbose_name=_("整改案件"))
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="case_findings", verbose_name=_("检查记录"))
    item_code = models.CharField(_("检查项"), max_length=16)
    role = models.CharField(_("发现类型"), max_length=16, choices=FindingRole.choices)
    found_at = models.DateTimeField(_("发现时间"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发现记录")
        verbose_name_plural = _("发现记录")
        ordering = ["found_at", "pk"]
        constraints = [
            # One inspection finds one item once: the same inspection signalled again adds nothing.
            models.UniqueConstraint(fields=["inspection", "item_code"], condition=Q(inspection__isnull=False),
                                    name="one_finding_per_inspection_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_role_display()}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    RECURRENCE = "recurrence", _("再次发现")
    BLACK_LISTED = "black_listed", _("列入黑榜")
    ANSWERED = "answered", _("责任方回复")
    RECHECK_DUE = "recheck_due", _("安排复查")
    CLOSED = "closed", _("复查合格，销号")
    REOPENED = "reopened", _("复查不合格，重新整改")
    ESCALATED = "escalated", _("复查仍不合格，升级")
    WITHDRAWN = "withdrawn", _("已撤案")
    RELEASED = "released", _("公开给责任方")
    INSPECTION_VOIDED = "inspection_voided", _("检查记录作废")
    INSPECTION_RESTORED = "inspection_restored", _("检查记录恢复")


# The events that set the deadline in force, and those that end a case (read for a case's past standing).
DEADLINE_EVENTS = (EventKind.OPENED, EventKind.REOPENED, EventKind.ESCALATED)
ENDING_EVENTS = (EventKind.CLOSED, EventKind.WITHDRAWN)


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("case events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("case events cannot be deleted")


class CaseEvent(models.Model):
    case = models.ForeignKey(RectificationCase, on_delete=models.PROTECT, related_name="events",
                             verbose_name=_("整改案件"), editable=False)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"), editable=False)
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True, editable=False)
    kind = models.CharField(_("事件"), max_length=24, choices=EventKind.choices, editable=False)
    note = models.TextField(_("备注"), blank=True, editable=False)
    # The deadline the event set (DEADLINE_EVENTS), so that an earlier instant reads the deadline then in force.
    deadline = models.DateField(_("整改期限"), null=True, blank=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("检查记录"), editable=False)
    details = models.JSONField(_("详情"), default=dict, blank=True, editable=False)
    # For answers and re-checks PUT by a phone under a client-generated UUID: a replay with the same body
    # (fingerprint) is recognised and writes nothing; another body under the same UUID is a conflict.
    client_uuid = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True, editable=False)
    fingerprint = models.CharField(_("内容指纹"), max_length=64, blank=True, editable=False)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("case events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("case events cannot be deleted")


class CasePhoto(models.Model):
    """A photo of an answer (after-photos) or a re-check, declared by the phone with the step and uploaded after it,
    through the inspections' photo pipeline (inspections/photos.py): the original private, the derivatives
    metadata-free. Declared with the step's event; the files arrive later (received_at set)."""

    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="photos", verbose_name=_("整改记录"))
    uuid = models.UUIDField(_("客户端编号"), unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    declared_bytes = models.PositiveBigIntegerField(_("声明大小"))
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    # Names in the photo storages (inspections/storage.py), as inspections.Photo: `original` private.
    original = models.CharField(_("原图（内部）"), max_length=200, blank=True)
    display = models.CharField(_("展示图"), max_length=200, blank=True)
    thumbnail = models.CharField(_("缩略图"), max_length=200, blank=True)
    content_type = models.CharField(_("原图类型"), max_length=50, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("EXIF拍摄时间"), null=True, blank=True)
    exif_lat = models.FloatField(_("EXIF纬度"), null=True, blank=True)
    exif_lng = models.FloatField(_("EXIF经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改照片")
        verbose_name_plural = _("整改照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.uuid)
