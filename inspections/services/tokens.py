"""Revoking a user's phone logins (SYNC.md rule 9): every refresh token they still hold is blacklisted.

Access tokens are not tracked by simplejwt, so the revocation time is stored too and
`RevocableJWTAuthentication` refuses access tokens issued up to that moment."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from ..models import AuditAction, TokenRevocation
from .audit import audit_record


def tokens_revoke(*, user: AbstractBaseUser, by: AbstractBaseUser | None = None,
                  action: AuditAction = AuditAction.TOKEN_REVOKE) -> int:
    """Blacklist all of `user`'s refresh tokens not yet blacklisted and end their access tokens;
    returns how many refresh tokens were blacklisted. Audit-logged with `by` (or the user) as actor."""
    with transaction.atomic():
        TokenRevocation.objects.update_or_create(user=user, defaults={"revoked_at": timezone.now()})
        outstanding = list(OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True))
        # ignore_conflicts: a token rotated (and so blacklisted) at this very moment is already done.
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
        profile = getattr(user, "profile", None)
        audit_record(actor=by or user, action=action, street=profile.street_id if profile else None, target=user,
                     details={"refresh_tokens": len(outstanding)})
    return len(outstanding)
