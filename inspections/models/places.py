"""Places: street → community → compound → bin station; units under a community.

One table holds every inspectable place so that scores roll up through `parent` and every
inspection points at one kind of row. Places are retired, never deleted.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checklists.models import UNIT_KINDS, PlaceKind


def new_qr_token() -> str:
    return secrets.token_urlsafe(18)


class Street(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    district = models.CharField(_("所属区"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A street-office department (科室) responsible for units."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="offices", verbose_name=_("街道"))
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PropertyCompany(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("物业服务企业")
        verbose_name_plural = _("物业服务企业")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    Kind = PlaceKind

    class Status(models.TextChoices):
        ACTIVE = "active", _("在用")
        RETIRED = "retired", _("已撤销")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="places", verbose_name=_("街道"))
    kind = models.CharField(_("类型"), max_length=32, choices=PlaceKind.choices, db_index=True)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="compounds",
        verbose_name=_("物业服务企业"),
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("责任科室")
    )
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.DecimalField(_("纬度(WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度(WGS-84)"), max_digits=10, decimal_places=6, null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("核查半径(米)"), null=True, blank=True)
    qr_token = models.CharField(_("二维码令牌"), max_length=40, unique=True, default=new_qr_token, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["parent", "kind"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_unit(self) -> bool:
        return self.kind in UNIT_KINDS

    @property
    def effective_radius_m(self) -> int:
        return self.radius_m or settings.SORTPATROL["RADIUS_M"][self.kind]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # The parent may be unsaved (the admin adds a compound together with its bin stations).
        parent = self.parent
        parent_kind = parent.kind if parent is not None else None
        allowed_parents = {
            PlaceKind.COMMUNITY: {None},
            PlaceKind.COMPOUND: {PlaceKind.COMMUNITY},
            PlaceKind.BIN_STATION: {PlaceKind.COMPOUND, *UNIT_KINDS},
            **{kind: {PlaceKind.COMMUNITY} for kind in UNIT_KINDS},
        }
        if self.kind in allowed_parents and parent_kind not in allowed_parents[self.kind]:
            errors["parent"] = _("上级类型不符合层级（社区→小区→投放点；单位在社区下）")
        if parent is not None and parent.street_id != self.street_id:
            errors["parent"] = _("上级必须属于同一街道")
        if self.company_id and self.kind != PlaceKind.COMPOUND:
            errors["company"] = _("只有小区有物业服务企业")
        if self.kind in UNIT_KINDS and not self.office_id:
            errors["office"] = _("单位必须有责任科室")
        if (self.lat is None) != (self.lng is None):
            errors["lat"] = _("经纬度必须同时填写")
        if self.lat is not None and not (-90 <= self.lat <= 90):
            errors["lat"] = _("纬度超出范围")
        if self.lng is not None and not (-180 <= self.lng <= 180):
            errors["lng"] = _("经度超出范围")
        if errors:
            raise ValidationError(errors)

    def retire(self) -> None:
        if self.status != self.Status.RETIRED:
            self.status = self.Status.RETIRED
            self.retired_at = timezone.now()
            self.save(update_fields=["status", "retired_at", "updated_at"])


class _KindManager(models.Manager):
    def __init__(self, *kinds: str):
        super().__init__()
        self.kinds = kinds

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind__in=self.kinds)


class Community(Place):
    objects = _KindManager(PlaceKind.COMMUNITY)

    class Meta:
        proxy = True
        verbose_name = _("社区")
        verbose_name_plural = _("社区")


class Compound(Place):
    objects = _KindManager(PlaceKind.COMPOUND)

    class Meta:
        proxy = True
        verbose_name = _("小区")
        verbose_name_plural = _("小区")


class BinStation(Place):
    objects = _KindManager(PlaceKind.BIN_STATION)

    class Meta:
        proxy = True
        verbose_name = _("投放点")
        verbose_name_plural = _("投放点")


class Unit(Place):
    objects = _KindManager(*UNIT_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("单位")
        verbose_name_plural = _("单位（公共机构、相关企业、公共场所）")
