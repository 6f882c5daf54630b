"""Phone logins (SYNC.md rule 9): issuing, rotating, ending and revoking refresh tokens.

simplejwt signs and checks the tokens; what it leaves open is done here:
- **Generations.** Every token carries the user's login generation (claim `gen`) from the moment of its
  login; a revocation raises the generation, so every token issued before it is refused — access tokens
  too, which simplejwt does not track, and whatever second they were issued in (a JWT's `iat` has whole
  seconds, so comparing times cannot tell "just before" from "just after" a revocation).
- **Rotation at most once.** Two refreshes of one refresh token at the same moment must not both get a
  successor: the token's outstanding row is locked and its blacklist entry created in the same
  transaction as the successor, and the blacklist's unique constraint refuses the second.
- **Password changes revoke.** A user's saved password hash changing (admin form, password reset,
  `set_password()` in a shell) revokes all their tokens; Django's own hash upgrades at login do not.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from ..models import AuditAction, TokenRevocation
from .audit import audit_record

GENERATION_CLAIM = "gen"
_EXPIRED = _("登录已过期或已失效，请重新登录。")
# Claims a successor gets afresh rather than copied from the token it replaces.
_FRESH_CLAIMS = {"exp", "iat", api_settings.JTI_CLAIM}


def token_generation(*, user_id: Any) -> int:
    """The user's current login generation: 0 until their logins are first revoked."""
    return TokenRevocation.objects.filter(user_id=user_id).values_list("generation", flat=True).first() or 0


class PatrolRefreshToken(RefreshToken):
    """simplejwt's refresh token with the user's login generation in it (and so in its access tokens,
    which copy the refresh token's claims)."""

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> PatrolRefreshToken:
        # simplejwt's Token.for_user and BlacklistMixin.for_user in one, with the generation added before the
        # token is written to the outstanding list.
        token = cls()
        token[api_settings.USER_ID_CLAIM] = str(getattr(user, api_settings.USER_ID_FIELD))
        token[GENERATION_CLAIM] = token_generation(user_id=user.pk)
        _outstand(token, user)
        return token


def _outstand(token: RefreshToken, user: AbstractBaseUser) -> None:
    OutstandingToken.objects.create(
        user=user, jti=token[api_settings.JTI_CLAIM], token=str(token), created_at=token.current_time,
        expires_at=datetime_from_epoch(token["exp"]),
    )


def token_is_current(token: Any, *, generation: int) -> bool:
    """Whether a (validated) token belongs to the user's current login generation. Tokens from before
    generations existed carry none and count as generation 0."""
    return token.get(GENERATION_CLAIM, 0) == generation


def refresh_token_rotate(*, token: RefreshToken, user: AbstractBaseUser) -> PatrolRefreshToken:
    """Blacklist the (validated) refresh `token` of `user` and return its successor: a new refresh token
    of the same login generation, valid for a full refresh lifetime. Raises TokenError when the token was
    already rotated, logged out or revoked — also when another request rotated it a moment ago."""
    with transaction.atomic():
        # The row lock makes concurrent rotations of one token wait for each other (PostgreSQL); on SQLite
        # the write transaction does. Either way the blacklist's one-entry-per-token constraint decides.
        outstanding = (
            OutstandingToken.objects.select_for_update().filter(jti=token[api_settings.JTI_CLAIM]).first()
        )
        if outstanding is None or outstanding.user_id != user.pk:
            raise TokenError(_EXPIRED)
        if not token_is_current(token, generation=token_generation(user_id=user.pk)):
            raise TokenError(_EXPIRED)
        try:
            with transaction.atomic():
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError:
            raise TokenError(_EXPIRED) from None
        successor = PatrolRefreshToken()
        for claim, value in token.payload.items():
            if claim not in _FRESH_CLAIMS:
                successor[claim] = value
        _outstand(successor, user)
    return successor


def refresh_token_blacklist(*, token: RefreshToken) -> bool:
    """Log one phone out: blacklist its (validly signed) refresh token. True when it was not blacklisted
    yet; a token already rotated, logged out or revoked is left as it is."""
    with transaction.atomic():
        outstanding = OutstandingToken.objects.filter(jti=token[api_settings.JTI_CLAIM]).first()
        if outstanding is None:
            return False
        _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    return created


def tokens_revoke(*, user: AbstractBaseUser, by: AbstractBaseUser | None = None,
                  action: AuditAction = AuditAction.TOKEN_REVOKE) -> int:
    """Raise the user's login generation (ending every token issued so far, access tokens included) and
    blacklist their refresh tokens not yet blacklisted; returns how many refresh tokens were blacklisted.
    Audit-logged with `by` (or the user) as actor."""
    with transaction.atomic():
        now = timezone.now()
        revocation, _created = TokenRevocation.objects.get_or_create(user=user, defaults={"revoked_at": now})
        TokenRevocation.objects.filter(pk=revocation.pk).update(generation=F("generation") + 1, revoked_at=now)
        outstanding = list(OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True))
        # ignore_conflicts: a token rotated (and so blacklisted) at this very moment is already done.
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
        profile = getattr(user, "profile", None)
        audit_record(actor=by or user, action=action, street=profile.street_id if profile else None, target=user,
                     details={"refresh_tokens": len(outstanding)})
    return len(outstanding)


# --- password changes -------------------------------------------------------------------------------
# Connected to the user model in InspectionsConfig.ready().

_PASSWORD_CHANGED = "_sortpatrol_password_changed"


def _is_hash_upgrade(user: AbstractBaseUser, stored: str, update_fields: Any) -> bool:
    """Django re-hashes a password at login when its hasher or work factor changed: set_password() with
    the same password, its raw copy dropped, then save(update_fields=["password"]). Not a change."""
    if getattr(user, "_password", None) is not None or update_fields is None or set(update_fields) != {"password"}:
        return False
    try:
        hasher = identify_hasher(stored)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return hasher.algorithm != preferred.algorithm or preferred.must_update(stored)


def password_change_noted(sender: type, instance: AbstractBaseUser, raw: bool = False,
                          update_fields: Any = None, **kwargs: Any) -> None:
    """pre_save: remember on the instance whether this save changes its stored password hash."""
    setattr(instance, _PASSWORD_CHANGED, False)
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = get_user_model()._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is None or stored == instance.password:
        return
    setattr(instance, _PASSWORD_CHANGED, not _is_hash_upgrade(instance, stored, update_fields))


def password_change_revokes(sender: type, instance: AbstractBaseUser, created: bool = False,
                            raw: bool = False, **kwargs: Any) -> None:
    """post_save: a changed password ends every login of the user, in the saving transaction."""
    if created or raw or not getattr(instance, _PASSWORD_CHANGED, False):
        return
    setattr(instance, _PASSWORD_CHANGED, False)
    tokens_revoke(user=instance, action=AuditAction.PASSWORD_CHANGE)
