"""DRF's content negotiation with a shortcut for what phones send.

Parsing the Accept header into media types and matching them against every renderer was a twentieth of a
replayed PUT (bench/replay.py). A request that accepts anything (no Accept header, or `*/*`) or exactly
`application/json`, with no `?format=` and no format suffix, gets the first renderer when it renders
application/json: the answer DRF's own negotiation gives for these requests. Everything else goes through it.
"""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation

_PLAIN = (None, "*/*", "application/json")


class JsonFirstNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: list, format_suffix: str | None = None) -> tuple:
        if (
            format_suffix is None and renderers and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT") in _PLAIN and not request.META.get("QUERY_STRING")
        ):
            return renderers[0], "application/json"
        return super().select_renderer(request, renderers, format_suffix)
