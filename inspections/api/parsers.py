"""Request parsing that never lets a body's size or shape reach the code as a 500."""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .errors import too_large


def _strict_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONParser(JSONParser):
    """JSON with DATA_UPLOAD_MAX_MEMORY_SIZE enforced (DRF reads the stream past Django's check) → 413."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            codecs.lookup(encoding)
            return json.loads(raw.decode(encoding), parse_constant=_strict_constant)
        except (ValueError, LookupError, RecursionError) as exc:
            # ValueError covers bad JSON, bad UTF-8, NaN/Infinity and integers too long to convert.
            raise ParseError(_("请求内容不是有效的JSON。")) from exc
