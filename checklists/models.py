"""Checklists: one per (place kind, regime), versioned; a published version never changes."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionLocked(Exception):
    """A change to a checklist version that is no longer a draft (or to its items) was refused."""


class Regime(models.TextChoices):
    WEEKLY_GUIDANCE = "weekly_guidance", _("周指导")
    MONTHLY_COVERT = "monthly_covert", _("月暗查")
    QUARTERLY_ASSESSMENT = "quarterly_assessment", _("季考核")


class PlaceKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    BIN_STATION = "bin_station", _("投放点")
    PUBLIC_INSTITUTION = "public_institution", _("公共机构")
    ENTERPRISE = "enterprise", _("相关企业")
    PUBLIC_PLACE = "public_place", _("公共场所")


UNIT_KINDS = (PlaceKind.PUBLIC_INSTITUTION, PlaceKind.ENTERPRISE, PlaceKind.PUBLIC_PLACE)


class ProblemCategory(models.TextChoices):
    """Problem categories of CHECKLISTS.md, for reasons, reports and rectifications."""

    MIXED_SORTING = "mixed_sorting", _("混投")
    OVERFLOW = "overflow", _("满溢")
    DIRTY_BINS = "dirty_bins", _("桶身不洁/破损")
    SURROUNDINGS = "surroundings", _("环境")
    NO_SUPERVISOR = "no_supervisor", _("无督导")
    SIGNS = "signs", _("标识")
    NOTICE_BOARD = "notice_board", _("公示牌")
    FACILITIES = "facilities", _("配置")
    STRAY_BINS = "stray_bins", _("私设")
    BULKY_WASTE = "bulky_waste", _("大件装修")
    TRANSPORT = "transport", _("运输")
    MANAGEMENT = "management", _("管理")


def _refuse_unless_drafts(version_ids: Iterable[int | None]) -> None:
    ids = {pk for pk in version_ids if pk is not None}
    if ids and ChecklistVersion.objects.filter(pk__in=ids).exclude(state=ChecklistVersion.State.DRAFT).exists():
        raise VersionLocked("a published or retired checklist version and its items never change")


class Checklist(models.Model):
    place_kind = models.CharField(_("场所类型"), max_length=32, choices=PlaceKind.choices)
    regime = models.CharField(_("检查制度"), max_length=32, choices=Regime.choices)
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        constraints = [models.UniqueConstraint(fields=["place_kind", "regime"], name="one_checklist_per_kind_regime")]
        ordering = ["place_kind", "regime"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The titles are part of every version's document: frozen once a version has been published.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("place_kind", "regime", "title", "title_en").first()
            changed = stored and any(stored[name] != getattr(self, name) for name in stored)
            if changed and self.versions.exclude(state=ChecklistVersion.State.DRAFT).exists():
                raise VersionLocked("the checklist has published versions: its kind, regime and titles are fixed")
        super().save(*args, **kwargs)


class ChecklistVersionQuerySet(models.QuerySet):
    """Bulk writes go through here too, so they refuse to touch anything but drafts."""

    def update(self, **kwargs):
        _refuse_unless_drafts(self.values_list("pk", flat=True))
        return super().update(**kwargs)

    def delete(self):
        _refuse_unless_drafts(self.values_list("pk", flat=True))
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse_unless_drafts(obj.pk for obj in objs)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class ChecklistVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="versions", verbose_name=_("检查表")
    )
    number = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    notes = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # SHA-256 of the version's document, set on publishing: identifies the content for caches and ETags.
    fingerprint = models.CharField(_("内容指纹"), max_length=64, blank=True, editable=False)

    objects = ChecklistVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="unique_version_number")]
        ordering = ["checklist", "-number"]

    def __str__(self) -> str:
        return f"{self.checklist.title} v{self.number}"

    # The one change allowed once a version has left the draft state: published → retired.
    _RETIRE_FIELDS = frozenset({"state", "retired_at"})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.state != self.State.DRAFT and not self._only_retires(stored):
                raise VersionLocked(f"version {self.pk} is {stored.state}: it never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_unless_drafts([self.pk])
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    def _only_retires(self, stored: ChecklistVersion) -> bool:
        """True when the unsaved changes are none at all, or the retirement of a published version."""
        if any(
            getattr(stored, f.attname) != getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.attname not in self._RETIRE_FIELDS
        ):
            return False
        unchanged = stored.state == self.state and stored.retired_at == self.retired_at
        return unchanged or (stored.state == self.State.PUBLISHED and self.state == self.State.RETIRED)


class ItemQuerySet(models.QuerySet):
    def update(self, **kwargs):
        target = kwargs.get("version_id", kwargs.get("version"))
        targets = [getattr(target, "pk", target)]
        _refuse_unless_drafts([*self.values_list("version_id", flat=True).distinct(), *targets])
        return super().update(**kwargs)

    def delete(self):
        _refuse_unless_drafts(self.values_list("version_id", flat=True).distinct())
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_unless_drafts(obj.version_id for obj in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        stored = self.model.objects.filter(pk__in=[obj.pk for obj in objs]).values_list("version_id", flat=True)
        _refuse_unless_drafts([*stored, *(obj.version_id for obj in objs)])
        return super().bulk_update(objs, fields, batch_size=batch_size)


class Item(models.Model):
    class Type(models.TextChoices):
        CHECK = "check", _("是否")
        DEDUCT = "deduct", _("按处扣分")
        PERCENT = "percent", _("百分率")
        NUMBER = "number", _("数值")
        TEXT = "text", _("文字")
        CHOICE = "choice", _("选项")

    class PhotoRule(models.TextChoices):
        ALWAYS = "always", _("必须拍照")
        ON_FAIL = "on_fail", _("不合格时拍照")
        OPTIONAL = "optional", _("可选")
        NEVER = "never", _("不拍照")

    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("版本")
    )
    code = models.CharField(_("编号"), max_length=16)
    section = models.CharField(_("分组"), max_length=100, blank=True)
    section_en = models.CharField(_("英文分组"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    label = models.CharField(_("检查内容"), max_length=300)
    label_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    help = models.TextField(_("说明"), blank=True)
    help_en = models.TextField(_("英文说明"), blank=True)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=0)
    per_fault = models.DecimalField(_("每处扣分"), max_digits=5, decimal_places=1, null=True, blank=True)
    target = models.DecimalField(_("达标值(%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    per_percent = models.DecimalField(_("每低1%扣分"), max_digits=5, decimal_places=1, null=True, blank=True)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    photo = models.CharField(_("拍照要求"), max_length=16, choices=PhotoRule.choices, default=PhotoRule.OPTIONAL)
    veto = models.BooleanField(_("一票否决"), default=False)
    category = models.CharField(_("问题类别"), max_length=32, blank=True, choices=ProblemCategory.choices)
    opens_rectification = models.BooleanField(_("不合格时立案整改"), default=True)
    # Scored items must always be answered; this makes a record-only item (number, text, choice) a must too.
    required = models.BooleanField(
        _("必答"), default=False, help_text=_("计分的检查项总是必答；勾选后，数值、文字、选项类的记录项也必须填写。")
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_item_code_per_version")]
        ordering = ["version", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def save(self, *args, **kwargs):
        stored_version = None
        if self.pk is not None:
            stored_version = type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
        _refuse_unless_drafts([self.version_id, stored_version])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_unless_drafts([self.version_id])
        return super().delete(*args, **kwargs)
