"""The audit log: who did what, when and why, to which record. Append-only.

Rows are written by `inspections.services.audit.audit_record` and never changed or removed: the model
refuses updates and deletes, its queryset refuses bulk ones, and the admin shows it read-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import Street


class AuditAction(models.TextChoices):
    VOID = "void", _("作废检查")
    RESTORE = "restore", _("恢复检查")
    PUBLISH = "publish", _("发布榜单")
    REVISE = "revise", _("修订榜单")
    WITHDRAW_PHOTO = "withdraw_photo", _("撤回曝光照片")
    TOKEN_REVOKE = "token_revoke", _("吊销登录")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    ROLE_CHANGE = "role_change", _("角色变更")
    SCOPE_CHANGE = "scope_change", _("范围变更")
    USER_ACTIVE = "user_active", _("账号启用/停用")
    PLACE_RETIRE = "place_retire", _("撤销场所")
    PLACE_RESTORE = "place_restore", _("恢复场所")
    IMPORT = "import", _("导入")
    COUNT_OUT_OF_SCOPE = "count_out_of_scope", _("计入超范围检查")
    RELEASE_CASE = "release_case", _("公开暗查整改案件")
    PLAN_BUILD = "plan_build", _("制定检查计划")
    PLAN_COMMIT = "plan_commit", _("计划生效/暗查抽样承诺")
    PLAN_REVEAL = "plan_reveal", _("揭晓暗查抽样种子")
    ASSIGNMENT_CHANGE = "assignment_change", _("调整检查任务")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    # The user row may go one day; the name written at the time stays.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"), editable=False,
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True, editable=False)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("街道"),
        editable=False,
    )
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices, db_index=True, editable=False)
    target_type = models.CharField(_("对象类型"), max_length=50, blank=True, editable=False)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True, editable=False)
    target_label = models.CharField(_("对象"), max_length=300, blank=True, editable=False)
    reason = models.TextField(_("原因"), blank=True, editable=False)
    details = models.JSONField(_("详情"), default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")
