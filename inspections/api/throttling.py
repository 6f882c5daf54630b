"""DRF rate throttles keyed by the one client address (inspections.login_guard.client_address).

Their counters live in the shared cache (settings.CACHES), so every worker sees the same history. DRF
reads and writes that history without a lock, so under concurrency a rate can let a few extra requests
through: these are a brake on volume. The hard limit on password guessing is the login lockout, whose
counters are atomic database rows."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from ..login_guard import client_address

logger = logging.getLogger(__name__)


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def allow_request(self, request: Request, view) -> bool:
        # A rate is a brake, not a lock: when the cache cannot be read right now (SQLite's shared-cache
        # "table is locked" under concurrent requests), the request goes on rather than failing with a 500.
        try:
            return super().allow_request(request, view)
        except DatabaseError:
            logger.warning("rate throttle skipped: the cache could not be read", exc_info=True)
            return True
