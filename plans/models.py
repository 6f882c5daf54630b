"""Plans: who must inspect which place in a period, per regime; for the monthly covert regime, the draw.

A plan is one (street, regime, period key). Weekly guidance and quarterly assessment plans are drafts until a
street admin activates them. A covert plan is a draft (the eligible places and the size, for review) until it is
committed: then the seed is generated, its SHA-256 published, the sample drawn and assigned; it is revealed
after the month (docs/sampling.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from checklists.models import Regime
from checklists.periods import REGIME_PERIOD, local_zone, period_bounds
from inspections.models import Place, Street


class Plan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("已生效")
        COMMITTED = "committed", _("已承诺")
        REVEALED = "revealed", _("已揭晓")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="plans", verbose_name=_("街道"))
    regime = models.CharField(_("检查制度"), max_length=32, choices=Regime.choices)
    period = models.CharField(_("周期"), max_length=10)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("制定人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    activated_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["-period", "regime"]
        constraints = [
            models.UniqueConstraint(fields=["street", "regime", "period"], name="one_plan_per_street_regime_period"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.get_regime_display()} {self.period}"

    @property
    def period_kind(self) -> str:
        return str(REGIME_PERIOD[self.regime])

    @property
    def is_covert(self) -> bool:
        return self.regime == Regime.MONTHLY_COVERT

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return period_bounds(self.period_kind, self.period)

    def last_day(self) -> dt.date:
        """The default due date: the period's last local day."""
        return (self.bounds()[1] - dt.timedelta(days=1)).date()


class Assignment(models.Model):
    """One place of a plan, the person meant to inspect it, and by when (the period's last day unless changed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("计划"))
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("场所"))
    # None: nobody could be assigned (no instructor for the community, no street inspector): shown as such.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments",
        verbose_name=_("负责人"),
    )
    due_date = models.DateField(_("截止日期"))
    # Set by assignment_change (each change is in the audit log with its reason).
    changed_by_hand = models.BooleanField(_("人工调整"), default=False)

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["place__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "place"], name="one_assignment_per_plan_place")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.place}"

    def due_end(self) -> dt.datetime:
        """The end of the due date (local midnight after it): done later is late."""
        return dt.datetime.combine(self.due_date + dt.timedelta(days=1), dt.time(), tzinfo=local_zone())


class CovertDraw(models.Model):
    """The draw of a covert plan. `seed_hex` is secret until `revealed_at`: no page or answer shows it before."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="draw", verbose_name=_("计划"))
    # [[place code, community code], …] sorted by place code: the eligible set as published.
    eligible = models.JSONField(_("可抽场所"), default=list)
    sample_size = models.PositiveIntegerField(_("抽样数"))
    community_minimum = models.PositiveSmallIntegerField(_("每社区至少"), default=1)
    seed_hex = models.CharField(_("种子"), max_length=64, blank=True)
    commitment = models.CharField(_("承诺值(SHA-256)"), max_length=64, blank=True)
    sample = models.JSONField(_("抽中场所"), default=list)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("揭晓时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("暗查抽样")
        verbose_name_plural = _("暗查抽样")

    def __str__(self) -> str:
        return str(self.plan)

    @property
    def eligible_codes(self) -> list[str]:
        return [code for code, _community in self.eligible]
