"""People: a Django user plus a profile that says their role and scope."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from checklists.models import PlaceKind

from .places import Office, Place, PropertyCompany, Street


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员（规建办）")
    STREET_INSPECTOR = "street_inspector", _("镇街级指导员")
    COMMUNITY_INSPECTOR = "community_inspector", _("社区级指导员")
    OFFICE_VIEWER = "office_viewer", _("科室查看")
    COMPANY_USER = "company_user", _("物业服务企业")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    display_name = models.CharField(_("显示名"), max_length=100, blank=True)
    # Required for every role (CheckConstraint below): a user without a street would see nothing anyway.
    # Nullable only so that the constraint, not a NOT NULL error, names the problem.
    street = models.ForeignKey(Street, on_delete=models.PROTECT, null=True, blank=False, verbose_name=_("街道"))
    communities = models.ManyToManyField(
        Place, blank=True, related_name="community_inspectors", limit_choices_to={"kind": PlaceKind.COMMUNITY},
        verbose_name=_("负责社区"),
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("科室"))
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("物业服务企业")
    )

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        constraints = [
            models.CheckConstraint(condition=models.Q(street__isnull=False), name="profile_street_required"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()}（{self.get_role_display()}）"

    def clean(self) -> None:
        errors = {}
        if self.street_id is None:
            errors["street"] = _("每个角色都必须属于一个街道")
        elif self.office_id is not None and self.office.street_id != self.street_id:
            errors["office"] = _("科室必须属于同一街道")
        if errors:
            raise ValidationError(errors)


class TokenRevocation(models.Model):
    """When an admin last revoked a user's phone logins: access tokens issued before it are refused too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="token_revocation",
        verbose_name=_("用户"),
    )
    revoked_at = models.DateTimeField(_("吊销时间"))

    class Meta:
        verbose_name = _("令牌吊销")
        verbose_name_plural = _("令牌吊销")

    def __str__(self) -> str:
        return f"{self.user} {self.revoked_at:%Y-%m-%d %H:%M}"
