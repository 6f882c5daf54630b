"""DRF rate throttles keyed by the one client address (inspections.login_guard.client_address).

Their counters live in the shared cache (settings.CACHES), so every worker sees the same history. DRF
reads and writes that history without a lock, so under concurrency a rate can let a few extra requests
through: these are a brake on volume. The hard limit on password guessing is the login lockout, whose
counters are atomic database rows."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from ..login_guard import client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)
