"""Revoking a user's phone logins (SYNC.md rule 9): every refresh token they still hold is blacklisted.

Access tokens are not tracked by simplejwt, so the revocation time is stored too and
`RevocableJWTAuthentication` refuses access tokens issued up to that moment."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from ..models import TokenRevocation


def tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Blacklist all of `user`'s refresh tokens not yet blacklisted and end their access tokens;
    returns how many refresh tokens were blacklisted."""
    with transaction.atomic():
        TokenRevocation.objects.update_or_create(user=user, defaults={"revoked_at": timezone.now()})
        outstanding = list(OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True))
        # ignore_conflicts: a token rotated (and so blacklisted) at this very moment is already done.
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
    return len(outstanding)
