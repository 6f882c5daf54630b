"""Revoking a user's phone logins (SYNC.md rule 9): every refresh token they still hold is blacklisted.

Access tokens are short-lived (settings.SIMPLE_JWT, 15 minutes) and not tracked by simplejwt: they
lapse on their own. To lock someone out at once, also deactivate the account (JWT authentication
refuses inactive users on every request)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken


def tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Blacklist all of `user`'s refresh tokens not yet blacklisted; returns how many were."""
    with transaction.atomic():
        outstanding = list(OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True))
        # ignore_conflicts: a token rotated (and so blacklisted) at this very moment is already done.
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
    return len(outstanding)
