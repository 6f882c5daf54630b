"""gzip for the API responses that may have it (issue 10, point 6).

Opt-in per view, never site-wide: BREACH recovers a secret from the compressed size of a response that also
reflects attacker-chosen input, so a response carrying a secret (the token endpoints' access and refresh
tokens, anything with a CSRF token) is never compressed. The views that are carry no secret: the pack (this
user's scope, reflecting nothing from the request), the history list, the public ranking lists and the schema.

Django's GZipMiddleware does the work: only when the client sends `Accept-Encoding: gzip`, only bodies of 200
bytes or more, `Vary: Accept-Encoding` added, and a strong ETag turned weak (the pack's tag is weak already).
"""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page


def compressed_when_asked(view: Any) -> Any:
    """For a view whose responses hold no secret next to reflected input: gzip when asked. A class (our own:
    its dispatch is replaced) or a view function such as a library class's `as_view()`."""
    if isinstance(view, type):
        return method_decorator(gzip_page, name="dispatch")(view)
    return gzip_page(view)


def etag_matches(etag: str, if_none_match: str | None) -> bool:
    """If-None-Match by weak comparison (RFC 9110 §13.1.2): `W/"x"` and `"x"` match, `*` matches anything."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False
