"""History for judging a record by the time it was done (docs/sync.md "Out of scope"): each user's scope over
time and each place's retirements and re-activations. Rows are only ever added."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import Place, Street


class ScopeSnapshot(models.Model):
    """A user's scope from `at` until their next snapshot: written whenever role, street, communities or
    active change (inspections.services.history.scope_snapshot_take)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope_snapshots", verbose_name=_("用户")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("街道")
    )
    communities = models.JSONField(_("负责社区"), default=list, blank=True)  # place ids, sorted
    is_active = models.BooleanField(_("启用"), default=True)
    is_superuser = models.BooleanField(_("超级用户"), default=False)

    class Meta:
        verbose_name = _("范围历史")
        verbose_name_plural = _("范围历史")
        ordering = ["user", "at", "pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.role}"


class PlaceStatusChange(models.Model):
    """A place's status from `at` until its next change; a place without rows has been active all along."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("场所"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=Place.Status.choices)

    class Meta:
        verbose_name = _("场所状态历史")
        verbose_name_plural = _("场所状态历史")
        ordering = ["place", "at", "pk"]
        indexes = [models.Index(fields=["place", "at"])]

    def __str__(self) -> str:
        return f"{self.place} {self.at:%Y-%m-%d %H:%M} {self.status}"
