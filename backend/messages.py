"""Django's default message storage, made when first used rather than on every request.

MessageMiddleware gives every request a FallbackStorage, whose cookie storage derives a signing key as it is made:
a twentieth of a replayed sync PUT (bench/replay.py), for API requests that never show a message. This one makes
the cookie and session storages on first use (reading, adding or storing messages); a request that touches no
message makes neither, and `update()` then has nothing to store, as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.functional import cached_property


class LazyFallbackStorage(FallbackStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BaseStorage.__init__(self, *args, **kwargs)
        self._storage_args = args, kwargs
        self._used_storages = set()

    @cached_property
    def storages(self) -> list[BaseStorage]:
        args, kwargs = self._storage_args
        return [storage_class(*args, **kwargs) for storage_class in self.storage_classes]
