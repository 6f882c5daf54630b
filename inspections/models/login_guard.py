"""Failed-login counters (inspections.login_guard): one row per username and per client address."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailureCount(models.Model):
    """Failures in the current streak for one key ("user:<normalized name>" or "addr:<address>").

    A streak ends LOGIN_LOCKOUT_MINUTES after its last failure; while the count is at the limit every
    attempt for the key is refused. Rows are only ever changed by single conditional UPDATEs, so
    concurrent workers cannot lose a failure."""

    key = models.CharField(_("对象"), max_length=200, primary_key=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_failure = models.DateTimeField(_("最近一次失败"), db_index=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
