"""Stored aggregates that make ranking lists cheap, and the published (frozen) lists.

`PlaceScore` holds, per place, regime and the regime's natural period (week for weekly guidance,
month for monthly covert, quarter for quarterly assessment), the exact integer sum of the counted
inspections' scores in tenths, their count and how many were vetoed, and the place's composite as an
exact fraction. Nothing is ever rounded before display (SCORING.md §4).

`RankingPublication` is one street's lists for one period: a draft is recomputed at will; a published
revision is a frozen JSON snapshot that later inspections or voids never touch (SCORING.md §5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from checklists.models import Regime
from checklists.periods import PeriodKind
from inspections.models import Place, Street


class PlaceScore(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="scores", verbose_name=_("场所"))
    regime = models.CharField(_("检查制度"), max_length=32, choices=Regime.choices)
    period = models.CharField(_("周期"), max_length=10, help_text=_("如 2026-W05、2026-05、2026-Q2"))
    sum_tenths = models.BigIntegerField(_("得分合计(0.1分)"), default=0)
    count = models.PositiveIntegerField(_("计分检查数"), default=0)
    veto_count = models.PositiveIntegerField(_("一票否决数"), default=0)
    # The composite C(p) of SCORING.md §4 as an exact reduced fraction of tenths, "numerator/denominator";
    # blank when the place has no part. Kept up to date with its children's, so lists read one row per place.
    composite = models.CharField(_("综合得分(精确)"), max_length=80, blank=True)
    composite_vetoed = models.BooleanField(_("综合一票否决"), default=False)

    class Meta:
        db_table = "inspections_placescore"  # made by the inspections app before rankings had its own
        verbose_name = _("场所周期得分")
        verbose_name_plural = _("场所周期得分")
        constraints = [
            models.UniqueConstraint(fields=["place", "regime", "period"], name="one_score_per_place_regime_period")
        ]
        indexes = [models.Index(fields=["regime", "period"])]

    def __str__(self) -> str:
        return f"{self.place_id} {self.regime} {self.period}: {self.sum_tenths}/{self.count}"


class RankingPublication(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被取代")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="publications", verbose_name=_("街道"))
    period_kind = models.CharField(_("周期类型"), max_length=10, choices=PeriodKind.choices)
    period = models.CharField(_("周期"), max_length=10)
    revision = models.PositiveIntegerField(_("版次"), default=1)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    # The lists as computed (draft) or as frozen at publication: entries, ranks, reasons, photos.
    data = models.JSONField(_("榜单数据"), default=dict)
    # Review state of a draft, keyed by entry key ("place:12", "company:3").
    reviewed = models.JSONField(_("已审核条目"), default=list, blank=True)
    exposures = models.JSONField(_("曝光照片"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发布人"),
    )
    revision_reason = models.TextField(_("修订原因"), blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("取代的版次"),
    )
    # When the exposure photos this list may show publicly last changed (a withdrawal, a newer revision):
    # part of its public page's cache key, so that a cache hit still reads one row. Not part of the snapshot.
    public_photos_changed_at = models.DateTimeField(_("公示照片变更时间"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "inspections_rankingpublication"
        verbose_name = _("榜单发布")
        verbose_name_plural = _("榜单发布")
        ordering = ["-period", "period_kind", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "period_kind", "period", "revision"], name="one_revision_number_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.get_period_kind_display()} {self.period} 第{self.revision}版"

    @property
    def is_public(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.SUPERSEDED)
