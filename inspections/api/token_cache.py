"""Access tokens validated once per process, not on every request.

Validating a JWT (PyJWT's decoding, the HMAC, simplejwt's claim checks) was an eighth of a replayed PUT
(bench/replay.py), and a phone sends the same access token with every request for its 15 minutes. What the
validation decides depends only on the token's bytes and the signing settings, except expiry, which is checked
again on every use; so a token that passed is kept (keyed by its bytes and those settings) and only its `exp`
is looked at next time. A token that fails is never kept. Whether the *user* may still use it (deactivated,
revoked, deleted) is decided by `get_user` on every request, as before.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

MAX_TOKENS = 4096  # about as many phones as are syncing within a token's lifetime

_validated: dict[tuple, Token] = {}
_lock = threading.Lock()


def _key(raw_token: bytes) -> tuple:
    settings = api_settings
    return (raw_token, settings.SIGNING_KEY, settings.VERIFYING_KEY, settings.ALGORITHM, settings.AUDIENCE,
            settings.ISSUER, settings.JWK_URL, tuple(settings.AUTH_TOKEN_CLASSES))


class ValidatedTokenCache:
    """Mixin for a simplejwt JWTAuthentication: `get_validated_token` remembers the tokens that passed."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        key = _key(raw_token)
        token = _validated.get(key)
        if token is not None:
            try:
                token.check_exp(current_time=aware_utcnow())
            except TokenError:
                with _lock:
                    _validated.pop(key, None)
            else:
                return token
        token = super().get_validated_token(raw_token)  # raises for a token that does not pass
        with _lock:
            if len(_validated) >= MAX_TOKENS:
                _validated.pop(next(iter(_validated)))  # the oldest
            _validated[key] = token
        return token


def forget_validated_tokens() -> None:
    with _lock:
        _validated.clear()


class UserModelOnDemand:
    """Mixin for a simplejwt JWTAuthentication: DRF makes the authenticator anew for every request, and its
    `__init__` only looks the user model up in the app registry (a thirtieth of a replayed PUT). Looked up when
    read instead (our `get_user` does not read it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @property
    def user_model(self) -> type:
        return get_user_model()
